"""Why a channel could not start, in one line for the operator (the command line prints it and exits)."""

from __future__ import annotations


class ChannelRefused(Exception):
    """The channel will not work as configured (a token it refuses, a damaged key file): exit code 2."""


class ChannelUnreachable(Exception):
    """The channel's servers did not answer at start; trying again later may work: exit code 1."""
