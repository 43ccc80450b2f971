"""XLSForm in and out: a team's ODK / KoboToolbox form read as a checklist, and a checklist written as one.

What maps to what (reading; writing is the same the other way):

- settings: `form_id` -> id (converted like names, below), `version` -> version (a whole number, or
  refused), `form_title` -> title; `default_language`, if given, must be Vietnamese. `namespaces`,
  `style`, `instance_name`, `public_key`, `submission_url`, `auto_send`, `auto_delete` are ODK's
  business and ignored; any other setting is refused.
- `begin_group` / `end_group` -> an area (its label the title, its relevant the area's `show_if`). A run
  of questions outside any group is an area of its own, titled with the form's title, with the id
  `chung` (`chung-2`, ... if taken). A group inside a group is refused: an area is one level.
- `select_one L` -> `rating` when list L is exactly pass/fail/partial/na, `yesno` when it is exactly
  yes/no (their labels are the bot's own words), otherwise `choice` with L's choices as `options`;
  `select_multiple L` -> `choices`. `text`, `integer`, `decimal` (-> number), `date`, `image` (-> photo).
- `note` -> the `intro` of the question right after it, in the same group; a note with no question
  right after it is refused. `geopoint` -> the location step the bot always offers: accepted and
  dropped, one at most. The metadata rows (`start`, `end`, `today`, `deviceid`, `username`,
  `phonenumber`, `email`) ask nothing and are dropped.
- `required` (yes/no; XLSForm's default is not required), `hint` -> help, `constraint` of the form
  `. >= a and . <= b` (either half alone too) -> min/max, `relevant` -> `show_if` (the forms that read:
  `expressions`). `label` is Vietnamese; `label::Vietnamese (vi)` and `label::English (en)` (and `hint::`
  alike) are the two languages, and a text only in English is refused.
- A name becomes an id lower-cased, with '.' as '-' and the '_' in front of a leading digit dropped; one
  that is still no id, or that meets another, is refused.

Refused, with the sheet, row and column and what to change: repeats, calculate, any other type
(select_one_from_file, range, audio, or_other, ...), any other relevant, constraint or required, a
label that inserts an answer (`${x}`), other languages, and any filled column that would change what
is asked (`calculation`, `default`, `choice_filter`, `read_only`, `trigger`, `parameters` other than an
image's `max-pixels`, `guidance_hint`, media, `bind::`/`instance::`/`body::` columns not ours, unknown
columns), and the external_choices, entities and osm sheets. Ignored, as they only lay out or word ODK's
own screens: `appearance`, `constraint_message`, `required_message`; and columns starting with `$`
(KoboToolbox's bookkeeping). On the choices sheet, columns other than list_name, name and label only
serve a choice_filter (refused) and are ignored, but media is refused.

What XLSForm has no column for round-trips through columns of our own namespace `kiemtra` (declared in
settings `namespaces`; pyxform copies `bind::` columns onto the XForm's <bind> and ignores unknown
settings, so the form still converts and other tools leave them alone):

- survey `bind::kiemtra:basis` (the legal basis), `bind::kiemtra:weight` (a rating's weight),
  `bind::kiemtra:photo` (none / optional / required: photo evidence on a question that is not an image,
  or an image whose rule differs from its `required`), `bind::kiemtra:unit` (a number's unit);
- settings `kiemtra:title_en` (the English title) and `kiemtra:scoring_pass`, `kiemtra:scoring_partial`,
  `kiemtra:scoring_fail` (the scoring block; any of them turns scoring on).
"""

from bot.checklist.xlsform.reading import read_xlsform
from bot.checklist.xlsform.writing import write_xlsform

__all__ = ["read_xlsform", "write_xlsform"]
