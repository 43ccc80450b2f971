"""Versioned schema. Each migration runs once, in its own transaction, and bumps `user_version`.

Append new migrations; never edit one that has shipped, because databases in the field already ran it.
"""

from __future__ import annotations

# Eight characters of A-Z and 2-9 without I and O, drawn in SQL for codes made before codes were that long.
# `random() & 31` picks one of 32 evenly and, unlike abs(), cannot overflow on the smallest integer.
_NEW_JOIN_CODE = " || ".join(["substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + (random() & 31), 1)"] * 8)

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE checklists (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        )""",
        """CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            group_chat_id INTEGER NOT NULL UNIQUE,
            lead_id INTEGER NOT NULL,
            invite_code TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE members (
            team_id INTEGER NOT NULL REFERENCES teams(id),
            user_id INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('lead', 'inspector')),
            name TEXT NOT NULL,
            joined_at TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id)
        )""",
        """CREATE TABLE inspections (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            inspector_id INTEGER NOT NULL,
            inspector_name TEXT NOT NULL,
            checklist_id TEXT NOT NULL,
            checklist_version INTEGER NOT NULL,
            unit TEXT,
            latitude REAL,
            longitude REAL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'cancelled')),
            stage TEXT NOT NULL,
            pos INTEGER NOT NULL DEFAULT 0,
            step INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            FOREIGN KEY (checklist_id, checklist_version) REFERENCES checklists(id, version)
        )""",
        "CREATE UNIQUE INDEX inspections_one_draft ON inspections(inspector_id) WHERE status = 'draft'",
        "CREATE INDEX inspections_team ON inspections(team_id, status, submitted_at)",
        """CREATE TABLE answers (
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            item_id TEXT NOT NULL,
            area_id TEXT NOT NULL,
            value TEXT NOT NULL,
            note TEXT,
            answered_by INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (inspection_id, item_id)
        )""",
        """CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            area_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            sender_id INTEGER NOT NULL,
            sender_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            mime TEXT NOT NULL,
            path TEXT NOT NULL,
            media_group_id TEXT,
            received_at TEXT NOT NULL
        )""",
        "CREATE INDEX photos_inspection ON photos(inspection_id, item_id)",
        "CREATE INDEX photos_album ON photos(media_group_id)",
        """CREATE TABLE remarks (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'strength')),
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE processed_updates (
            key TEXT PRIMARY KEY,
            processed_at TEXT NOT NULL
        )""",
    ],
    [
        # Updates are committed here before the channel confirms them, and processed from here.
        """CREATE TABLE inbox (
            seq INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            received_at TEXT NOT NULL
        )""",
        # Replies decided by the engine, committed with the answer and delivered afterwards.
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            body TEXT NOT NULL,
            coalesce_key TEXT,
            not_before TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            progress INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed', 'superseded')),
            last_error TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT
        )""",
        "CREATE INDEX outbox_pending ON outbox(status, chat_id, id)",
    ],
    [
        # Rounds: one trip covering several units; inspections started while one is open belong to it.
        """CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            name TEXT NOT NULL,
            opened_by INTEGER NOT NULL,
            opened_by_name TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            closed_by INTEGER,
            closed_at TEXT
        )""",
        "CREATE UNIQUE INDEX rounds_one_open ON rounds(team_id) WHERE closed_at IS NULL",
        "ALTER TABLE inspections ADD COLUMN round_id INTEGER REFERENCES rounds(id)",
        "CREATE INDEX inspections_round ON inspections(round_id, status)",
        # What the team asks a unit to fix: one per failed or partial answer of a submitted inspection.
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            area_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            value TEXT NOT NULL,
            note TEXT,
            due_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            version INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            done_at TEXT,
            done_by INTEGER,
            done_by_name TEXT,
            done_note TEXT,
            UNIQUE (inspection_id, item_id)
        )""",
        "CREATE INDEX followups_team ON followups(team_id, status, due_on)",
        # Every change to a follow-up, with who and when: nothing about them is edited silently.
        """CREATE TABLE followup_events (
            id INTEGER PRIMARY KEY,
            followup_id INTEGER NOT NULL REFERENCES followups(id),
            kind TEXT NOT NULL CHECK (kind IN ('created', 'due_changed', 'done', 'photo')),
            person_id INTEGER NOT NULL,
            person_name TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX followup_events_of ON followup_events(followup_id, id)",
        """CREATE TABLE followup_photos (
            id INTEGER PRIMARY KEY,
            followup_id INTEGER NOT NULL REFERENCES followups(id),
            sender_id INTEGER NOT NULL,
            sender_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            mime TEXT NOT NULL,
            path TEXT NOT NULL,
            received_at TEXT NOT NULL
        )""",
        # What a person in a group chat is in the middle of answering (a follow-up's note or new date).
        """CREATE TABLE group_prompts (
            chat_id INTEGER NOT NULL,
            person_id INTEGER NOT NULL,
            followup_id INTEGER NOT NULL REFERENCES followups(id),
            stage TEXT NOT NULL CHECK (stage IN ('note', 'photo', 'due')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, person_id)
        )""",
        # Reminders already sent, by a key naming what and when: a restart neither drops nor repeats one.
        """CREATE TABLE reminders (
            key TEXT PRIMARY KEY,
            sent_at TEXT NOT NULL
        )""",
    ],
    [
        # People and chats of channels whose ids are not integers (Zalo): the engine sees an integer of
        # its own, IDENTITY_BASE + id, so a team can have members on several channels.
        """CREATE TABLE identities (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            UNIQUE (channel, external_id)
        )""",
        # A short code typed as `/join CODE` where there are no deep links (Zalo).
        "ALTER TABLE teams ADD COLUMN join_code TEXT",
        "UPDATE teams SET join_code = upper(hex(randomblob(3)))",
        "CREATE UNIQUE INDEX teams_join_code ON teams(join_code)",
        # The language a person chose with /lang.
        """CREATE TABLE people (
            person_id INTEGER PRIMARY KEY,
            lang TEXT NOT NULL
        )""",
        # The numbered menu last shown in a chat without buttons, so "2" can be read as its second choice.
        """CREATE TABLE menus (
            chat_id INTEGER PRIMARY KEY,
            items TEXT NOT NULL,
            shown_at TEXT NOT NULL
        )""",
    ],
    [
        # Every person and chat the bot speaks to, with the channel that carries its messages, so a
        # reply is routed by what is stored rather than by the range its id falls in. `chat_id` is the
        # bot's own id for it: Telegram's integer as it is, 2^60 + the row id for a channel whose ids
        # are strings (Zalo) or made up (the terminal).
        "ALTER TABLE identities ADD COLUMN chat_id INTEGER",
        "UPDATE identities SET chat_id = 1152921504606846976 + id",
        "CREATE UNIQUE INDEX identities_chat ON identities(chat_id)",
        # Until now an id below 2^60 meant Telegram; every such id already stored is recorded as one.
        """INSERT OR IGNORE INTO identities (channel, external_id, chat_id)
           SELECT 'telegram', CAST(known AS TEXT), known FROM (
               SELECT group_chat_id AS known FROM teams UNION SELECT lead_id FROM teams
               UNION SELECT user_id FROM members UNION SELECT inspector_id FROM inspections
               UNION SELECT chat_id FROM outbox UNION SELECT person_id FROM people
           ) WHERE known < 1152921504606846976""",
    ],
    [
        # Join codes of eight characters: the hexadecimal and six-character ones could be guessed, so every
        # shorter one is replaced and stops working. `codes_at`: when the team's current invitation link
        # and code were issued (a member removed after that cannot come back with them).
        f"UPDATE teams SET join_code = {_NEW_JOIN_CODE} WHERE join_code IS NULL OR length(join_code) < 8",
        "ALTER TABLE teams ADD COLUMN codes_at TEXT",
        "UPDATE teams SET codes_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')",
        # Members the lead removed stay recorded, with who removed them and when; every join or removal
        # bumps the roster's version, which makes the buttons of an older /members list stale.
        "ALTER TABLE members ADD COLUMN removed_at TEXT",
        "ALTER TABLE members ADD COLUMN removed_by INTEGER",
        "ALTER TABLE teams ADD COLUMN roster_version INTEGER NOT NULL DEFAULT 0",
        # Wrong join codes and invitation links, per person: five an hour, then they wait. Rows older than
        # the hour are dropped as new ones come.
        """CREATE TABLE join_failures (
            person_id INTEGER NOT NULL,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX join_failures_person ON join_failures(person_id, at)",
    ],
    [
        # What the message under an inspector's thumb shows above its question: the questions answered
        # in it, one line each. A tap rewrites that message (one Bot API call) instead of freezing it and
        # sending the next question (two). `message_id` NULL: the next question went out as a new message
        # carrying `log`. Dropped once the inspection is no longer a draft.
        """CREATE TABLE carried_logs (
            chat_id INTEGER NOT NULL,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            message_id INTEGER,
            log TEXT NOT NULL,
            PRIMARY KEY (chat_id, inspection_id)
        )""",
    ],
    [
        # A notice (someone joined) goes out only when the chat has nothing else due: at Telegram's 20
        # messages a minute in a group, results and documents must not queue behind a wave of joins.
        "ALTER TABLE outbox ADD COLUMN notice INTEGER NOT NULL DEFAULT 0",
        # When the group was last told at once that someone joined; joins in the minute after that are
        # told together, in one message at its end.
        "ALTER TABLE teams ADD COLUMN joins_told_at TEXT",
    ],
    [
        # The legal basis of a round (the decision or plan that set the inspection up), printed as the
        # "Căn cứ …" of every record and of the round's report; NULL: REPORT_BASIS, else dots to fill in.
        "ALTER TABLE rounds ADD COLUMN basis TEXT",
        # A person's position and agency ("Phó Giám đốc Sở Nội vụ", set with /chucvu) and how the record
        # addresses them ("Ông" or "Bà", /xungho); NULL where never set.
        """CREATE TABLE person_titles (
            person_id INTEGER PRIMARY KEY,
            position TEXT,
            salutation TEXT CHECK (salutation IN ('Ông', 'Bà')),
            updated_at TEXT NOT NULL
        )""",
        # The unit's own voice at the end of an inspection: its representatives ("Họ tên – Chức vụ") and
        # its opinion on the findings. SQLite cannot widen a CHECK, so the table is built anew.
        """CREATE TABLE remarks_new (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'strength', 'representative', 'opinion')),
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """INSERT INTO remarks_new (id, inspection_id, kind, text, created_at)
           SELECT id, inspection_id, kind, text, created_at FROM remarks""",
        "DROP TABLE remarks",
        "ALTER TABLE remarks_new RENAME TO remarks",
        # A question the bot put to one person in a group is about a follow-up or, now, about a round (its
        # basis, asked after /round): exactly one of the two.
        """CREATE TABLE group_prompts_new (
            chat_id INTEGER NOT NULL,
            person_id INTEGER NOT NULL,
            followup_id INTEGER REFERENCES followups(id),
            round_id INTEGER REFERENCES rounds(id),
            stage TEXT NOT NULL CHECK (stage IN ('note', 'photo', 'due', 'basis')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, person_id),
            CHECK ((followup_id IS NULL) <> (round_id IS NULL))
        )""",
        """INSERT INTO group_prompts_new (chat_id, person_id, followup_id, stage, created_at)
           SELECT chat_id, person_id, followup_id, stage, created_at FROM group_prompts""",
        "DROP TABLE group_prompts",
        "ALTER TABLE group_prompts_new RENAME TO group_prompts",
    ],
    [
        # Corrections after submit: the answer given stays in `answers` as it was; each correction is a row
        # of its own (who, when, the value and note before and after, and why), and the latest one of an
        # item is its current value.
        """CREATE TABLE amendments (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            area_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT NOT NULL,
            old_note TEXT,
            new_note TEXT,
            reason TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            person_name TEXT NOT NULL,
            at TEXT NOT NULL,
            photos_added INTEGER NOT NULL DEFAULT 0,
            photos_withdrawn INTEGER NOT NULL DEFAULT 0
        )""",
        # Evidence corrected after submit: a photo sent during a correction counts only once the
        # correction is saved (`pending_of`: whose correction it waits for); a withdrawn photo stays
        # stored, and its file kept, but is out of every document.
        "ALTER TABLE photos ADD COLUMN pending_of INTEGER",
        "ALTER TABLE photos ADD COLUMN withdrawn_at TEXT",
        "ALTER TABLE photos ADD COLUMN withdrawn_by INTEGER",
        "CREATE INDEX amendments_item ON amendments(inspection_id, item_id, id)",
        # What every report, summary and count reads: the answer as given, or its latest correction.
        """CREATE VIEW current_answers AS
           SELECT a.inspection_id, a.item_id, a.area_id,
                  CASE WHEN m.id IS NULL THEN a.value ELSE m.new_value END AS value,
                  CASE WHEN m.id IS NULL THEN a.note ELSE m.new_note END AS note,
                  a.answered_by, a.answered_at, m.id IS NOT NULL AS amended
           FROM answers a
           LEFT JOIN amendments m ON m.id = (
               SELECT MAX(x.id) FROM amendments x WHERE x.inspection_id = a.inspection_id AND x.item_id = a.item_id)
           UNION ALL
           SELECT m.inspection_id, m.item_id, m.area_id, m.new_value, m.new_note, m.person_id, m.at, 1
           FROM amendments m
           WHERE m.id = (
                   SELECT MAX(x.id) FROM amendments x WHERE x.inspection_id = m.inspection_id AND x.item_id = m.item_id)
             AND NOT EXISTS (
                 SELECT 1 FROM answers a WHERE a.inspection_id = m.inspection_id AND a.item_id = m.item_id)""",
        # Where one person stands in a correction (`/amend`): which inspection, area and item, the new
        # value and note so far. One row a person, kept after the correction ends (stage 'done') so the
        # step counter goes on rising and every button of an earlier correction stays stale.
        """CREATE TABLE amend_states (
            person_id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            stage TEXT NOT NULL CHECK (stage IN ('area', 'item', 'value', 'note', 'photos', 'reason', 'done')),
            area_index INTEGER,
            pos INTEGER,
            new_value TEXT,
            new_note TEXT,
            withdraw TEXT NOT NULL DEFAULT '',
            step INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        # The trail of an inspection besides its answers: who joined, took or handed back an area,
        # corrected, submitted or cancelled it, and when. The kinds are `storage.models.TrailKind`, not a
        # CHECK, so a kind added later needs no rebuilt table.
        """CREATE TABLE trail (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            person_id INTEGER NOT NULL,
            person_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX trail_of ON trail(inspection_id, id)",
        # A correction can turn a criterion met back into a shortcoming: its follow-up, closed before,
        # opens again. SQLite cannot widen a CHECK, so the table is built anew.
        """CREATE TABLE followup_events_new (
            id INTEGER PRIMARY KEY,
            followup_id INTEGER NOT NULL REFERENCES followups(id),
            kind TEXT NOT NULL CHECK (kind IN ('created', 'due_changed', 'done', 'photo', 'reopened')),
            person_id INTEGER NOT NULL,
            person_name TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL
        )""",
        """INSERT INTO followup_events_new (id, followup_id, kind, person_id, person_name, detail, at)
           SELECT id, followup_id, kind, person_id, person_name, detail, at FROM followup_events""",
        "DROP TABLE followup_events",
        "ALTER TABLE followup_events_new RENAME TO followup_events",
        "CREATE INDEX followup_events_of ON followup_events(followup_id, id)",
    ],
    [
        # A shared inspection: members who joined someone's inspection, each with their own cursor
        # (stage, pos, step, as the owner's in `inspections`), written with each of their answers.
        # `left_at`: they left and handed their areas back; their answers stay under their name.
        """CREATE TABLE participants (
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            stage TEXT NOT NULL,
            pos INTEGER NOT NULL DEFAULT 0,
            step INTEGER NOT NULL DEFAULT 0,
            joined_at TEXT NOT NULL,
            left_at TEXT,
            PRIMARY KEY (inspection_id, user_id)
        )""",
        "CREATE INDEX participants_user ON participants(user_id) WHERE left_at IS NULL",
        # Which areas of a shared inspection someone holds: one holder per area at most.
        """CREATE TABLE area_holds (
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            area_id TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            PRIMARY KEY (inspection_id, area_id)
        )""",
        # Set once the owner invites the team: an inspection nobody shares reads no holds nor participants.
        "ALTER TABLE inspections ADD COLUMN shared INTEGER NOT NULL DEFAULT 0",
        # The invitation posted in the team's group; its message id is learnt from the first tap on it.
        """CREATE TABLE shared_posts (
            inspection_id INTEGER PRIMARY KEY REFERENCES inspections(id),
            chat_id INTEGER NOT NULL,
            message_id INTEGER,
            next_edit_at TEXT,
            posted_at TEXT NOT NULL
        )""",
    ],
    [
        # The checklist a round's inspections answer (CHECKLIST_DIR may hold several; the lead picks one
        # when the round opens, the default until then). NULL: a round opened before there was a choice,
        # whose inspections use the default checklist.
        "ALTER TABLE rounds ADD COLUMN checklist_id TEXT",
    ],
]
