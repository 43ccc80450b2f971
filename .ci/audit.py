"""pip-audit over the installed set, for .ci/run: fails on a known vulnerability, and says so plainly when
it could not look (pip-audit asks PyPI's per-release JSON, which some registries and mirrors do not
serve; its own non-strict mode would then print "No known vulnerabilities found")."""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip() or run.stdout.strip(), file=sys.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unchecked = [d["name"] for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"pip-audit: {dependency['name']} {dependency['version']}: {ids}", file=sys.stderr)
    checked = len(dependencies) - len(unchecked)
    print(f"pip-audit: {checked} of {len(dependencies)} installed packages checked, {len(vulnerable)} vulnerable")
    if unchecked:
        print(f"pip-audit: no vulnerability data reachable for {len(unchecked)} packages (e.g. {unchecked[0]})")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
