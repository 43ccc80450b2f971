"""Benchmark of the bot against the Bot API stand-in: `python -m bench.run` (see bench/run.py).

Not a test and not a dependency of the bot: nothing in bot/, handlers/ or storage/ imports it. It
measures the bot as it ships (`python -m bot` in its own process) next to a bare python-telegram-bot
echo bot (`bench/echo_bot.py`) run the same way, so every figure has a comparison point that shows
what PTB, HTTP and the stand-in cost by themselves.
"""
