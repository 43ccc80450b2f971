"""The Zalo channel: Zalo Bot Platform updates in, engine replies out, through the same inbox and outbox
as Telegram.

Why our own client: the third-party Zalo bot package is a partial fork of an older python-telegram-bot,
so it carries Telegram's assumptions where Zalo differs (no offsets, one update per poll, string ids).
It also runs updates one at a time, while we need one person's updates in order and different people in
parallel. And its licence is unclear, whereas the handful of HTTP calls we need are a small module here.
"""
