"""Documents for the team lead: the record of one unit (DOCX), the round's report (DOCX), the workbook
(XLSX), the per-area chart (PNG) and the evidence archive (ZIP).

Builders are plain functions from the models in `bot.reports.data` to a file. They never touch the
database or a chat channel: data is read in one short transaction, files are built afterwards in a
worker thread, so the same code serves the bot and the command line.
"""
