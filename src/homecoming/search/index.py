"""The in-process person search index: name keys → candidate names → scored records → persons.

Keys belong to distinct *names*, not to records: a million records carry far fewer distinct
names, and a name is compared with the query once however many records carry it.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from anyascii import anyascii
from rapidfuzz import fuzz, process

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import service_number_key
from homecoming.forgetting import forgettable
from homecoming.match.levels import (
    NULL,
    NameEvidence,
    dob_level,
    name_evidence_parsed,
    service_conflict,
    service_level,
    sex_level,
    unit_level,
    unit_number,
)
from homecoming.match.model import MatchModel, default_model, name_frequency, probability
from homecoming.memory import fewer_full_collections
from homecoming.names.comparison import SimilarityMemo, load_tables
from homecoming.names.parse import ParsedName, parse_name, tokenize
from homecoming.names.token import remember_tokens
from homecoming.names.transliterate import remember_renderings
from homecoming.search.keys import token_key_hashes
from homecoming.search.parsed import StoredNames

IntArray = npt.NDArray[np.int64]
# Past this many candidate names for the rarest query word, only the first are scored: a
# single common given name typed alone cannot be ranked in milliseconds, and says little.
CANDIDATE_CAP = 4_000
# For a query that is itself indexed (`Query.indexed_itself`, see `_candidate_names`): when this
# many names at most carry the most query words, the names carrying one word fewer are
# candidates too, drawn from the rarest word's names and the next rarest's if it has this many
# postings at most, and only when they are a few (each is scored: the search's cost). Sixteen,
# not four: a family's brothers and namesakes (Ахметзянов X Наїлевич) carry the family name and
# patronymic too, and a list entry's given name mistyped left the registry's man out (dev
# split, 2026-12-04: 8 of 3,200 listed people).
FEW_FULL_MATCHES = 1
LEFT_OUT_BASE = 2_000
LEFT_OUT_NAMES = 16
MIN_NAME_LEVEL = 1
# A person less likely than this is not shown (a shared given name with nothing else agreeing).
MIN_PROBABILITY = 0.001
# With this many candidate names or more, a known year of birth (±1) narrows them first.
BORN_FILTER_FROM = 32
# Names are compared with the query one by one (tens of microseconds each): past this many,
# only those sharing the most keys with the query are compared.
COMPARED_CAP = 32
# Names born on the query's date (or a slip of it) looked at for a shared word, at most.
BORN_ALIKE_CAP = 2_000
# What one binary-search step costs against one scattered write (see `_searched`).
SEARCH_STEP_COST = 1.7
# A word whose keys' postings hold this many names or more keeps its mask (`_word_members`);
# at most this many such masks are kept (a million names: 122 KiB each).
WORD_MASK_FROM = 50_000
WORD_RECORD_COUNTS = 500_000  # words whose record counts are kept, at most
WORD_MASKS = 512
# Names a warm-up parses between two calls of its `pause` (a few milliseconds of work), and
# names it reads back from a snapshot's stored parses (about as long).
WARM_BATCH = 64
WARM_STORED_BATCH = 2_048
SEX_CODES = {"male": 1, "female": 2, "other": 3}
SEX_NAMES = {code: name for name, code in SEX_CODES.items()}
# A snapshot holds the names' keys: a change to the names' common forms (latin_form) is a new
# version, and a snapshot of an older version is not read (rebuilt). 4: the names parsed
# (`search.parsed`); 5: the common forms read -аєв/-аев and GOST's tc alike (names.latin_form).
SNAPSHOT_VERSION = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index keeps of one record."""

    record_id: int
    person_id: int
    name: str
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    sex: str | None = None
    unit: str = ""
    service_number: str = ""
    party: str = ""  # the party whose source gave the record ('' when none)


@dataclass(frozen=True, slots=True)
class Query:
    """A name in any script and spelling, with what else the operator knows."""

    text: str
    born: PartialDate = field(default_factory=PartialDate)
    sex: str | None = None
    unit: str = ""
    service_number: str = ""
    party: str | None = None  # need-to-know: only records from this party's sources
    # The query is a record that is itself in the index (a list's entry being validated, a
    # family's inquiry being matched): its own copy, slips included, carries every word, so the
    # names carrying one word fewer are candidates too (`PersonIndex._candidate_names`).
    indexed_itself: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One person found: the record that matched best, its score and why."""

    person_id: int
    record_id: int
    name: str
    date_of_birth: str
    score: float
    name_score: float
    reasons: tuple[str, ...]
    name_explanation: dict[str, Any]


def _pack(date: PartialDate) -> int:
    return (date.year or 0) * 10_000 + (date.month or 0) * 100 + (date.day or 0)


def _unpack(value: int) -> PartialDate:
    year, month, day = value // 10_000, value // 100 % 100, value % 100
    return PartialDate(year or None, month or None, (day or None) if month else None)


# A kept count's key and value (`PersonIndex._counted`).
K = TypeVar("K")
V = TypeVar("V")


class PersonIndex:
    """Candidate keys and per-record facts in numpy arrays; new records go to a small delta."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._name_ids: dict[str, int] = {}
        self.record_ids: IntArray = np.zeros(0, np.int64)
        self.person_ids: IntArray = np.zeros(0, np.int64)
        self.name_of: IntArray = np.zeros(0, np.int64)
        self.dob: IntArray = np.zeros(0, np.int64)
        self.sex: IntArray = np.zeros(0, np.int64)
        self.units: list[str] = []
        self.parties: list[str] = [""]  # party codes; party_of holds indexes into it
        self.party_of: IntArray = np.zeros(0, np.int64)
        self.service_numbers: dict[str, list[int]] = {}
        # Base postings: sorted key hashes, and for each the sorted ids of names carrying it.
        self.key_hashes: IntArray = np.zeros(0, np.int64)
        self.key_starts: IntArray = np.zeros(1, np.int64)
        self.key_names: IntArray = np.zeros(0, np.int64)
        self._base_names = 0  # names whose keys are in the base postings
        self.entry_order: IntArray = np.zeros(0, np.int64)  # entries sorted by name id
        self.entry_starts: IntArray = np.zeros(1, np.int64)
        self._base_entries = 0
        # Each name parsed (by name id), once a search compared it or the warm-up reached it:
        # read back from the snapshot's stored parses (`_stored`) where it has them, else parsed.
        self._parsed: list[ParsedName | None] = []
        self._stored: StoredNames | None = None
        self.word_keys: dict[str, tuple[int, ...]] = {}  # every indexed word's key hashes
        self._delta_keys: dict[int, list[int]] = {}
        self._delta_entries: dict[int, list[int]] = {}
        self._key_records: dict[int, int] = {}  # base records per key (term frequencies)
        self._delta_key_records: dict[int, int] = {}  # the same, of records added since
        self._entry_counts: IntArray = np.zeros(0, np.int64)
        self.service_of: dict[int, str] = {}  # entry -> its folded service number
        self.model: MatchModel = default_model()
        self._dob_order: IntArray | None = None  # entries sorted by date of birth (lazily)
        self._dob_ordered: IntArray | None = None  # their dates, in that order
        # Common words' masks over the compacted names, a bit per name (`_word_members`).
        self._word_masks: dict[tuple[int, ...], npt.NDArray[np.uint8]] = {}
        self._key_spans: dict[int, tuple[int, int]] = {}  # key -> its postings' bounds
        # Per word, records carrying its rarest key (`_rarest_key`), valid while the records
        # counted stay as they were: `_records_changed` moves on whenever they change.
        self._word_record_counts: dict[str, tuple[int, tuple[int, int] | None]] = {}
        # Per pair of rarest keys, records carrying both (`_keys_records`; the spellings of
        # one pair of names often share their rarest keys).
        self._pair_record_counts: dict[tuple[int, int], tuple[int, int]] = {}
        self._records_changed = 0

    def __len__(self) -> int:
        return len(self.record_ids)

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> PersonIndex:
        """An index over the entries (in record-id order), compacted for fast search."""
        index = cls()
        index.add(entries)
        index.compact()
        return index

    def add(self, entries: Iterable[Entry]) -> int:
        """Add records (ids above every indexed one); they are searchable at once."""
        batch = list(entries)
        if not batch:
            return 0
        if len(self.record_ids) and batch[0].record_id <= self.record_ids[-1]:
            raise ValueError("entries must come in increasing record-id order")
        first = len(self.record_ids)
        self._records_changed += 1
        name_ids = [self._intern(e.name) for e in batch]
        self.record_ids = np.concatenate([self.record_ids, [e.record_id for e in batch]])
        self.person_ids = np.concatenate([self.person_ids, [e.person_id for e in batch]])
        self.name_of = np.concatenate([self.name_of, name_ids])
        self.dob = np.concatenate([self.dob, [_pack(e.date_of_birth) for e in batch]])
        self.sex = np.concatenate([self.sex, [SEX_CODES.get(e.sex or "", 0) for e in batch]])
        self.units.extend(e.unit for e in batch)
        self.party_of = np.concatenate([self.party_of, [self._party_code(e.party) for e in batch]])
        for offset, (entry, name_id) in enumerate(zip(batch, name_ids, strict=True)):
            self._delta_entries.setdefault(name_id, []).append(first + offset)
            for hashes in self._name_keys(entry.name):
                for hashed in hashes:
                    self._delta_key_records[hashed] = self._delta_key_records.get(hashed, 0) + 1
            if key := service_number_key(entry.service_number):
                self.service_numbers.setdefault(key, []).append(first + offset)
                self.service_of[first + offset] = key
        self._records_changed += 1
        return len(batch)

    def _party_code(self, party: str) -> int:
        if party not in self.parties:
            self.parties.append(party)
        return self.parties.index(party)

    def _intern(self, name: str) -> int:
        name_id = self._name_ids.get(name)
        if name_id is None:
            name_id = self._name_ids[name] = len(self.names)
            self.names.append(name)
            for hashes in self._name_keys(name, remember=True):
                for key in hashes:
                    self._delta_keys.setdefault(key, []).append(name_id)
        return name_id

    def compact(self) -> None:
        """Fold the delta into the sorted base arrays (seconds at a million records)."""
        hashes: list[int] = []
        owners: list[int] = []
        for name_id in range(len(self.names)):
            for token in self._name_keys(self.names[name_id], remember=True):
                hashes.extend(token)
                owners.extend([name_id] * len(token))
        key_array = np.array(hashes, dtype=np.int64)
        owner_array = np.array(owners, dtype=np.int64)
        order = np.lexsort((owner_array, key_array))
        key_array, owner_array = key_array[order], owner_array[order]
        unique, starts = np.unique(key_array, return_index=True)
        self.key_hashes, self.key_names = unique, owner_array
        self.key_starts = np.append(starts, len(owner_array)).astype(np.int64)
        self._index_entries()
        self._base_names = len(self.names)
        self._delta_keys.clear()

    def _index_entries(self) -> None:
        self.entry_order = np.argsort(self.name_of, kind="stable")
        counts = np.bincount(self.name_of, minlength=len(self.names))
        self.entry_starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._base_entries = len(self.name_of)
        self._delta_entries.clear()
        self._key_records.clear()
        self._delta_key_records.clear()
        self._entry_counts = np.diff(self.entry_starts)  # records per name (base)
        self._records_changed += 1
        self._word_masks = {}  # the compacted postings changed
        # Where each key's postings lie in key_names: a dict finds them in a search's tens of
        # lookups faster than a binary search of key_hashes each.
        spans = itertools.pairwise(self.key_starts.tolist())
        self._key_spans = dict(zip(self.key_hashes.tolist(), spans, strict=True))
        # Records per key, all at once: counted one key at a time as searches first met them,
        # a common key (hundreds of thousands of names) cost a search a millisecond or more.
        if len(self.key_hashes):
            per_key = np.add.reduceat(self._entry_counts[self.key_names], self.key_starts[:-1])
            self._key_records = dict(zip(self.key_hashes.tolist(), per_key.tolist(), strict=True))

    @property
    def has_delta(self) -> bool:
        """True when records were added since the last compaction."""
        return self._base_names != len(self.names) or len(self.name_of) != self._base_entries

    def reassign(self, record_to_person: dict[int, int]) -> None:
        """Follow linkage and judgements: records now belong to other persons."""
        if not record_to_person:
            return
        records = np.fromiter(record_to_person, np.int64, len(record_to_person))
        positions = np.searchsorted(self.record_ids, records)
        positions = np.clip(positions, 0, max(len(self.record_ids) - 1, 0))
        found = self.record_ids[positions] == records
        persons = np.fromiter(record_to_person.values(), np.int64, len(record_to_person))
        self.person_ids[positions[found]] = persons[found]

    # --- searching ---------------------------------------------------------------------------

    def search(self, query: Query, *, limit: int = 10) -> list[Hit]:
        """Persons ranked by how well their best record fits the query."""
        names, postings = self._candidate_names(query.text, next_tier=query.indexed_itself)
        if len(names) > BORN_FILTER_FROM and query.born.year is not None:
            names = self._born_near(names, query.born.year)
        if len(names) > COMPARED_CAP:
            names = _most_keys(names, postings, len(self.names))[:COMPARED_CAP]
        names = _union(names, self._born_alike(query))
        scored = self._score_names(query.text, names.tolist())
        entries = self._entries_of(list(scored))
        numbered = self.service_numbers.get(service_number_key(query.service_number), [])
        if numbered:
            # A record found by its service number alone is weighed with its name as well: a
            # number copied onto another man's row must meet the names' disagreement.
            names_of_number = dict.fromkeys(self.name_of[numbered].tolist())
            unscored = [n for n in names_of_number if n not in scored]
            scored.update(self._score_names(query.text, unscored, at_least=None))
            entries.extend(numbered)
        return self._rank(query, scored, entries, limit)

    def _born_alike(self, query: Query) -> IntArray:
        """Names of records born on the query's date (or a slip of it: day and month swapped,
        the year one off or one digit off) that share a word's key with the query.

        The name keys miss a surname mistyped in its consonants when the given name is common;
        a full date of birth and one name word in common bring that record to be compared.
        """
        born = query.born
        if born.year is None or born.month is None or born.day is None:
            return np.zeros(0, np.int64)
        dates = {_pack(born)}
        if born.day <= 12 and born.day != born.month:
            dates.add(born.year * 10_000 + born.day * 100 + born.month)
        for year in _slipped_years(born.year):
            dates.add(year * 10_000 + born.month * 100 + born.day)
        entries = self._entries_born(np.fromiter(sorted(dates), np.int64))
        if not len(entries):
            return np.zeros(0, np.int64)
        alike = _unique(self.name_of[entries])[:BORN_ALIKE_CAP]
        # A name shares a word's key with the query when it is in one of that key's postings
        # (base and delta alike): the word's mask, kept for a common word, says so at once.
        shared = np.zeros(len(alike), dtype=np.int64)
        for hashes in dict.fromkeys(self._query_keys(query.text)):
            shared |= self._word_members(alike, hashes, [self._postings(k) for k in hashes])
        found: IntArray = alike[shared > 0]
        return found

    def _entries_born(self, dates: IntArray) -> IntArray:
        order, ordered = self._dob_order, self._dob_ordered
        if order is None or ordered is None or len(order) != len(self.dob):
            order = np.argsort(self.dob, kind="stable")
            # Kept with the order: gathering a million dates cost every search 4 ms.
            self._dob_order, self._dob_ordered = order, ordered = order, self.dob[order]
        starts = np.searchsorted(ordered, dates, side="left")
        ends = np.searchsorted(ordered, dates, side="right")
        if not len(starts):
            return np.zeros(0, np.int64)
        return np.concatenate(
            [order[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        )

    def _name_keys(
        self, text: str, *, remember: bool = False, joined: Mapping[str, str] | None = None
    ) -> list[tuple[int, ...]]:
        """Key hashes of each word, from the index's own table before the names engine; a word
        in `joined` also carries the keys of the word it is a piece of (`_query_keys`)."""
        found = []
        for word in tokenize(text):
            hashes = self.word_keys.get(word)
            if hashes is None:
                hashes = token_key_hashes(word)
                if remember:
                    self.word_keys[word] = hashes
            whole = joined.get(word) if joined else None
            if whole is not None:
                hashes = tuple(dict.fromkeys((*hashes, *self._word_hashes(whole))))
            if hashes:
                found.append(hashes)
        return found

    def _query_keys(self, text: str) -> list[tuple[int, ...]]:
        """`_name_keys` of a query, each piece of a hyphenated word also keyed as the word
        joined: a list writes Магомед-Расул where the registry has Магомедрасул, and its
        record then carries two words fewer than the list's own copy of it; with the joined
        word's keys on both pieces, the registry's name carries both."""
        return self._name_keys(text, joined=_joined_pieces(text))

    def _base_postings(self, key: int) -> IntArray:
        """Names with this key in the compacted base."""
        span = self._key_spans.get(key)
        if span is None:
            return np.zeros(0, np.int64)
        return self.key_names[span[0] : span[1]]

    def _postings(self, key: int) -> IntArray:
        base = self._base_postings(key)
        delta = self._delta_keys.get(key)
        return np.concatenate([base, np.array(delta, np.int64)]) if delta else base

    def _candidate_names(
        self, text: str, *, next_tier: bool = False
    ) -> tuple[IntArray, list[IntArray]]:
        """Names carrying keys of the most query words, and every query key's postings."""
        keyed = [(h, [self._postings(key) for key in h]) for h in self._query_keys(text)]
        keyed = [(h, w) for h, w in keyed if sum(len(p) for p in w)]
        if not keyed:
            return np.zeros(0, np.int64), []
        keyed.sort(key=lambda item: sum(len(p) for p in item[1]))
        words = [w for _, w in keyed]
        # The rarest word's names, and the next rarest's where they are few: a name that carries
        # every word but one carries one of these two.
        second = next_tier and len(words) >= 2 and sum(len(p) for p in words[1]) <= LEFT_OUT_BASE
        base = _unique(np.concatenate([p for w in words[: 2 if second else 1] for p in w]))
        if len(words) == 1:
            return base[:CANDIDATE_CAP], words[0]
        # Every name of the rarest word's alone carries it: counting it would add one to all.
        counted = keyed if second else keyed[1:]
        carried = sum(
            (self._word_members(base, h, w) for h, w in counted), np.zeros(len(base), np.int64)
        )
        most = int(carried.max())
        found = base[carried == most]
        if next_tier and len(words) >= 2 and len(found) <= FEW_FULL_MATCHES:
            # Few names carry the most words: one of them may be the query's own copy, its slip
            # included (a list's entry is in the index too: Хохоов for Хохлов, Анаолий for
            # Анатолій, Гоголе Айаал for Гоголев Айаал). The names carrying one word fewer are
            # candidates as well, if a few.
            fewer = base[carried == most - 1]
            if len(fewer) > LEFT_OUT_NAMES:
                # Too many to score (an Айаал or an Андрей shared by dozens): the ones whose
                # whole name reads closest to the query's (Гоголев Айаал for Гоголе Айаал).
                fewer = self._closest(text, fewer, LEFT_OUT_NAMES)
            found = _union(found, fewer)
        return found[:CANDIDATE_CAP], [p for w in words for p in w]

    def _closest(self, text: str, name_ids: IntArray, keep: int) -> IntArray:
        """The `keep` names of `name_ids` whose text, folded to ASCII, is nearest the query's
        by shared words and edit distance (rapidfuzz's token set ratio); ties by name id."""
        query = _folded(text)
        choices = [_folded(self.names[i]) for i in name_ids.tolist()]
        similarity = process.cdist([query], choices, scorer=fuzz.token_set_ratio)[0]
        order = np.argsort(-similarity, kind="stable")[:keep]
        return np.sort(name_ids[order])

    def _word_members(
        self, base: IntArray, hashes: tuple[int, ...], postings: list[IntArray]
    ) -> IntArray:
        """1 where a base name carries one of a word's keys (whose postings are given), else 0.

        A common word's keys hold hundreds of thousands of names at a million records:
        scattering them into a mask cost more than all the rest of a search. Such a word's mask
        over the compacted names is kept, packed to a bit per name, until the next compaction
        (`warm` makes them ahead); names added since are looked for in its delta postings.
        """
        if sum(len(p) for p in postings) < WORD_MASK_FROM:
            return _members(base, postings, len(self.names))
        packed = self._word_mask(hashes)
        compacted = base < len(packed) * 8
        ids = base[compacted]
        found = np.zeros(len(base), dtype=np.int64)
        found[compacted] = (packed[ids >> 3] >> (7 - (ids & 7))) & 1
        added = (self._delta_keys.get(k) for k in hashes)
        delta = [np.array(names, np.int64) for names in added if names]
        if delta:
            found |= _members(base, delta, len(self.names))
        return found

    def _word_mask(self, hashes: tuple[int, ...]) -> npt.NDArray[np.uint8]:
        """A bit per compacted name: whether it carries one of these keys (kept, if room)."""
        packed = self._word_masks.get(hashes)
        if packed is None:
            # Over every name so far: the compacted postings hold none beyond them.
            mask = np.zeros(len(self.names), dtype=bool)
            for key in hashes:
                mask[self._base_postings(key)] = True
            packed = np.packbits(mask)
            if len(self._word_masks) < WORD_MASKS:  # beyond, made for each search (none drop)
                self._word_masks[hashes] = packed
        return packed

    def _born_near(self, name_ids: IntArray, year: int) -> IntArray:
        """Names with a record born within a year of `year`, or of unknown birth."""
        base = name_ids[name_ids < len(self.entry_starts) - 1]
        starts, ends = self.entry_starts[base], self.entry_starts[base + 1]
        lengths = ends - starts
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entries = self.entry_order[np.repeat(starts, lengths) + offsets]
        years = self.dob[entries] // 10_000
        near = (years == 0) | (np.abs(years - year) <= 1)
        kept = _unique(self.name_of[entries[near]])
        return _union(kept, name_ids[name_ids >= len(self.entry_starts) - 1])

    def warm(self, pause: Callable[[], None] | None = None) -> None:
        """Parse every indexed name once, so no search pays a first comparison's parse, and
        make the commonest words' masks (`_word_members`). `pause` is called between batches
        of names (a server's requests go first: at 1,000,000 records parsing takes minutes,
        reading back the names a snapshot stored parsed seconds; full garbage collections, a
        few tenths of a second each over such a heap, wait meanwhile)."""
        self._parse_every(pause)
        load_tables()
        sizes = np.diff(self.key_starts)
        common: dict[tuple[int, ...], int] = {}
        for hashes in set(self.word_keys.values()) - {()}:
            at = np.searchsorted(self.key_hashes, hashes)
            found = at < len(self.key_hashes)
            found[found] = self.key_hashes[at[found]] == np.array(hashes)[found]
            postings = int(sizes[at[found]].sum())
            if postings >= WORD_MASK_FROM:
                common[hashes] = postings
        for hashes in sorted(common, key=lambda h: (-common[h], h))[:WORD_MASKS]:
            self._word_mask(hashes)

    def parse_all(self) -> int:
        """Parse every name not parsed yet, at once: before a snapshot stores them parsed (a
        server's workers then read them back instead of each parsing them). How many names
        the snapshot this index was loaded from did not store parsed."""
        self._parse_every()
        return len(self.names) - (len(self._stored) if self._stored is not None else 0)

    def _parse_every(self, pause: Callable[[], None] | None = None) -> None:
        """Every name parsed or read back, run by run (`pause` called before each); full
        garbage collections wait meanwhile."""
        start = 0
        with fewer_full_collections():
            while start < len(self.names):
                if pause is not None:
                    pause()
                start = self._parse_run(start)

    def _parse_run(self, start: int) -> int:
        """Parse a run of names from `start` on (those parsed already are kept): read back at
        once where the snapshot stored them, else parsed one by one. Where the run ended."""
        parsed, stored = self._parsed, self._stored
        if len(parsed) < len(self.names):
            parsed.extend([None] * (len(self.names) - len(parsed)))
        if stored is not None and start < len(stored):
            stop = min(start + WARM_STORED_BATCH, len(stored))
            if any(parsed[i] is None for i in range(start, stop)):
                read = stored.decode(start, self.names[start:stop])
                for name_id, found in enumerate(read, start):
                    if parsed[name_id] is None:
                        parsed[name_id] = found
            return stop
        stop = min(start + WARM_BATCH, len(self.names))
        for name_id in range(start, stop):
            if parsed[name_id] is None:
                parsed[name_id] = parse_name(self.names[name_id])
        return stop

    def _parsed_name(self, name_id: int) -> ParsedName:
        """The name parsed: kept, read back from the snapshot's stored parses, or parsed now
        (and kept)."""
        parsed = self._parsed
        if name_id < len(parsed):
            found = parsed[name_id]
            if found is not None:
                return found
        else:
            parsed.extend([None] * (len(self.names) - len(parsed)))
        text = self.names[name_id]
        stored = self._stored
        found = stored.get(name_id, text) if stored is not None and name_id < len(stored) else None
        if found is None:
            found = parse_name(text)
        parsed[name_id] = found
        return found

    def _held_parse(self, name_id: int) -> ParsedName | None:
        return self._parsed[name_id] if name_id < len(self._parsed) else None

    def _score_names(
        self, text: str, name_ids: Iterable[int], at_least: int | None = MIN_NAME_LEVEL
    ) -> dict[int, NameEvidence]:
        """The names' evidence against the query's name, of the names whose level is at least
        `at_least` (None: of every name)."""
        scored = {}
        query = parse_name(text)
        memo: SimilarityMemo = {}  # the query's words meet the same words in many names
        for name_id in name_ids:
            evidence = name_evidence_parsed(query, self._parsed_name(name_id), memo)
            if at_least is None or evidence.name >= at_least:  # at least one name part agrees
                scored[name_id] = evidence
        return scored

    def _records_with(self, key: int) -> int:
        """How many records carry a name with this key: the compacted base's (cached until the
        next compaction) and those added since (counted as they are added)."""
        found = self._key_records.get(key)
        if found is None:
            names = self._base_postings(key)
            counts = self._entry_counts
            found = self._key_records[key] = int(counts[names[names < len(counts)]].sum())
        return found + self._delta_key_records.get(key, 0)

    def _rarest_key(self, word: str) -> tuple[int, int] | None:
        """The records carrying the word's rarest key, and that key (the first of the rarest);
        None for a word without keys. Every search asks it of each name it ranks."""
        return self._counted(self._word_record_counts, word, lambda: self._records_of(word))

    def _records_of(self, word: str) -> tuple[int, int] | None:
        hashes = self._word_hashes(word)
        if not hashes:
            return None
        key = min(hashes, key=self._records_with)
        return self._records_with(key), key

    def _word_hashes(self, word: str) -> tuple[int, ...]:
        return self.word_keys.get(word) or token_key_hashes(word)

    def _pair_records(self, family: str, given: str) -> int:
        """Records whose name carries both words' rarest keys (a family name and a given name
        borne together; both words have keys)."""
        first, second = (self._rarest_key(word) for word in (family, given))
        if first is None or second is None:
            raise ValueError("a pair's words must both have keys")
        return self._keys_records(first[1], second[1])

    def _keys_records(self, first: int, second: int) -> int:
        """Records whose name carries both keys, kept by the two keys in either order: a name
        read the other way round (its given name as family) asks the same count (6 % of a
        search bench's counts at a million records)."""
        keys = (first, second) if first <= second else (second, first)
        return self._counted(self._pair_record_counts, keys, lambda: self._records_with_both(*keys))

    def _records_with_both(self, first: int, second: int) -> int:
        names = _shared(self._postings(first), self._postings(second))
        counts = self._entry_counts
        found = int(counts[names[names < len(counts)]].sum())
        delta = self._delta_entries  # records added since the compaction, by name
        if not delta or not len(names):
            return found
        if len(names) > len(delta):  # a common pair shares thousands of names: look up fewer
            added = np.fromiter(delta, np.int64, len(delta))
            return found + sum(len(delta[n]) for n in added[_in_posting(added, names)].tolist())
        return found + sum(len(delta.get(n, ())) for n in names.tolist())

    def _counted(self, held: dict[K, tuple[int, V]], key: K, count: Callable[[], V]) -> V:
        """`count()`, kept in `held` under `key` until records are added or compacted (at most
        WORD_RECORD_COUNTS kept)."""
        generation = self._records_changed
        found = held.get(key)
        if found is not None and found[0] == generation:
            return found[1]
        value = count()
        if self._records_changed == generation:  # no record was added meanwhile
            if len(held) >= WORD_RECORD_COUNTS:
                held.clear()
            held[key] = (generation, value)
        return value

    def name_frequency(self, name: ParsedName) -> float | None:
        """How common the name is here: its family name's frequency times its given name's
        (records carrying each word's rarest key; see match.model.term_frequency), the given
        name's also read among the family name's bearers (`_keys_records`)."""
        found: dict[str, tuple[int, int]] = {}  # role -> its word's rarest key's records, key
        for token, role in zip(name.tokens, name.roles, strict=False):
            if role in ("family", "given") and role not in found and not token.patronymic:
                rarest = self._rarest_key(token.text)
                if rarest is None:
                    return None
                found[role] = rarest
        if len(found) < 2:
            return None
        (family, family_key), (given, given_key) = found["family"], found["given"]
        both = self._keys_records(family_key, given_key)
        return name_frequency(family, given, len(self), both)

    def _entries_of(self, name_ids: Sequence[int]) -> list[int]:
        found: list[int] = []
        for name_id in name_ids:
            if name_id < len(self.entry_starts) - 1:
                start, end = self.entry_starts[name_id], self.entry_starts[name_id + 1]
                found.extend(self.entry_order[start:end].tolist())
            found.extend(self._delta_entries.get(name_id, ()))
        return found

    def _rank(
        self, query: Query, scored: dict[int, Any], entries: list[int], limit: int
    ) -> list[Hit]:
        best: dict[int, tuple[float, int]] = {}  # person -> (match weight, entry)
        wanted_service = service_number_key(query.service_number)
        if query.party is not None:
            code = self.parties.index(query.party) if query.party in self.parties else -1
            entries = [e for e in entries if self.party_of[e] == code]
        frequencies: dict[int, float | None] = {}  # name id -> how common the pair's name is
        # What one search computes once: a parsed name's frequency (the query's is met with
        # every name), the query's unit, a weight per set of levels (many records share one).
        name_frequencies: dict[int, tuple[ParsedName, float | None]] = {}
        query_unit = unit_number(query.unit)
        weights: dict[tuple[tuple[int, ...], float | None], float] = {}
        levels_of: dict[int, dict[str, int]] = {}
        prior = self.prior()
        unique = list(dict.fromkeys(entries))
        indexes = np.array(unique, dtype=np.int64)
        name_ids, persons = self.name_of[indexes].tolist(), self.person_ids[indexes].tolist()
        for entry, name_id, person in zip(unique, name_ids, persons, strict=True):
            evidence = scored.get(name_id)
            if name_id not in frequencies:
                frequencies[name_id] = self._frequency(evidence, name_frequencies)
            levels = levels_of[entry] = self._levels(
                query, entry, evidence, wanted_service, query_unit
            )
            tf = frequencies[name_id]
            key = (tuple(levels.values()), tf)
            weight = weights.get(key)
            if weight is None:
                weight = weights[key] = self.model.weight(levels, prior=prior, tf=tf)
            held = best.get(person)
            if held is None or weight > held[0]:
                best[person] = (weight, entry)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        hits = []
        for _, (weight, entry) in ranked:
            # The hit's score is this weight's probability (`_hit`: the model's score adds the
            # same parts in the same order); the weakest are not explained only to be dropped.
            if round(probability(weight), 4) < MIN_PROBABILITY:
                break
            name_id = int(self.name_of[entry])
            evidence, tf = scored.get(name_id), frequencies[name_id]
            hits.append(self._hit(query, entry, evidence, levels_of[entry], tf))
        return hits

    def _frequency(
        self,
        evidence: NameEvidence | None,
        memo: dict[int, tuple[ParsedName, float | None]] | None = None,
    ) -> float | None:
        if evidence is None or evidence.comparison is None:
            return None
        return self.pair_frequency(evidence.comparison, memo)

    def _hit(
        self,
        query: Query,
        entry: int,
        evidence: NameEvidence | None,
        levels: dict[str, int],
        tf: float | None,
    ) -> Hit:
        born = _unpack(int(self.dob[entry]))
        scored = self.model.score(levels, prior=self.prior(), tf=tf)
        comparison = evidence.comparison if evidence is not None else None
        name_score = comparison.score if comparison is not None else 0.0
        return Hit(
            person_id=int(self.person_ids[entry]),
            record_id=int(self.record_ids[entry]),
            name=self.names[int(self.name_of[entry])],
            date_of_birth=born.iso(),
            score=round(scored.probability, 4),
            name_score=round(name_score, 4),
            reasons=scored.reasons(),
            name_explanation=comparison.to_dict() if comparison is not None else {},
        )

    def prior(self) -> float:
        """Chance that a query is one given record before comparing: one in the registry."""
        return 1.0 / max(len(self), 2)

    def pair_frequency(
        self, comparison: Any, memo: dict[int, tuple[ParsedName, float | None]] | None = None
    ) -> float | None:
        """How common the compared names are here: the commoner side's `name_frequency` (what
        the model's term-frequency levels weigh by). `memo` keeps each parsed name's while the
        index does not change (one search)."""
        if comparison is None or comparison.parsed is None:
            return None
        found = []
        for name in comparison.parsed:
            held = memo.get(id(name)) if memo is not None else None
            if held is not None and held[0] is name:
                frequency = held[1]
            else:
                frequency = self.name_frequency(name)
                if memo is not None:
                    memo[id(name)] = (name, frequency)  # the name kept: its id stays its own
            if frequency:
                found.append(frequency)
        return max(found) if found else None

    def levels(
        self, query: Query, entry: int, evidence: NameEvidence | None, wanted_service: str
    ) -> dict[str, int]:
        """The one match model's levels for the query against one record of the index."""
        return self._levels(query, entry, evidence, wanted_service, unit_number(query.unit))

    def _levels(
        self,
        query: Query,
        entry: int,
        evidence: NameEvidence | None,
        wanted_service: str,
        query_unit: str | None,
    ) -> dict[str, int]:
        sex = int(self.sex[entry])
        service = self.service_of.get(entry)
        born = _unpack(int(self.dob[entry]))
        agree = evidence is not None and evidence.agree
        return {
            "name": evidence.name if evidence is not None else NULL,
            "patronymic": evidence.patronymic if evidence is not None else NULL,
            "date_of_birth": dob_level(
                query.born, born, agree, apart=evidence is not None and evidence.apart
            ),
            "sex": sex_level(query.sex, SEX_NAMES.get(sex)),
            "service_number": service_level(
                wanted_service or None,
                service,
                conflict=service_conflict(
                    agree,
                    evidence.name if evidence is not None else NULL,
                    query.born,
                    born,
                    evidence.patronymic if evidence is not None else NULL,
                ),
            ),
            # No unit in the query is no evidence, whatever the record's (unit_level).
            "unit": unit_level(query_unit, unit_number(self.units[entry])) if query_unit else NULL,
        }

    # --- snapshots ---------------------------------------------------------------------------

    def save(self, path: Path, *, stamp: int, stamp_hash: str = "") -> None:
        """Write the compacted index; `stamp` says which store state it reflects (the audit
        chain's id then), `stamp_hash` that entry's hash (which database it was)."""
        if self.has_delta:
            self.compact()
        services = [(k, i) for k, ids in self.service_numbers.items() for i in ids]
        with fewer_full_collections():
            parsed = StoredNames.write(self.names, self._held_parse, self._stored)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=SNAPSHOT_VERSION,
            stamp=stamp,
            stamp_hash=np.array(stamp_hash, dtype=np.str_),
            names=np.array(self.names, dtype=np.str_),
            units=np.array(self.units, dtype=np.str_),
            record_ids=self.record_ids,
            person_ids=self.person_ids,
            name_of=self.name_of,
            dob=self.dob,
            sex=self.sex,
            party_of=self.party_of,
            parties=np.array(self.parties, dtype=np.str_),
            key_hashes=self.key_hashes,
            key_starts=self.key_starts,
            key_names=self.key_names,
            words=np.array(list(self.word_keys), dtype=np.str_),
            word_key_counts=np.array([len(h) for h in self.word_keys.values()], dtype=np.int64),
            word_key_hashes=np.array(
                [k for h in self.word_keys.values() for k in h], dtype=np.int64
            ),
            service_keys=np.array([k for k, _ in services], dtype=np.str_),
            service_entries=np.array([i for _, i in services], dtype=np.int64),
            # The names parsed so far (all of them after `parse_all`) from id 0 on, for a
            # loader to read back instead of parsing them.
            **parsed,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(buffer.getvalue())
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> tuple[PersonIndex, int, str] | None:
        """The index in a snapshot, its stamp and the stamp's hash ('' when the snapshot has
        none); None when missing or of another version."""
        if not path.exists():
            return None
        with fewer_full_collections():  # it makes a million long-lived objects at once
            return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> tuple[PersonIndex, int, str] | None:
        with np.load(path) as data:
            if int(data["version"]) != SNAPSHOT_VERSION:
                return None
            index = cls()
            index.names = data["names"].tolist()
            index._name_ids = {name: i for i, name in enumerate(index.names)}
            index.units = data["units"].tolist()
            index.parties = data["parties"].tolist()
            for attribute in (
                "record_ids",
                "person_ids",
                "name_of",
                "dob",
                "sex",
                "party_of",
                "key_hashes",
                "key_starts",
                "key_names",
            ):
                setattr(index, attribute, data[attribute].astype(np.int64))
            for key, entry in zip(
                data["service_keys"].tolist(), data["service_entries"].tolist(), strict=True
            ):
                index.service_numbers.setdefault(key, []).append(entry)
                index.service_of[entry] = key
            bounds = np.cumsum(data["word_key_counts"]).tolist()
            hashes = data["word_key_hashes"].tolist()
            starts = [0, *bounds[:-1]]
            index.word_keys = {
                word: tuple(hashes[a:b])
                for word, a, b in zip(data["words"].tolist(), starts, bounds, strict=True)
            }
            stored = StoredNames.load(data)
            if stored is not None and len(stored) <= len(index.names):
                index._stored = stored
                remember_tokens(
                    t for t, made in zip(stored.tokens, stored.as_made, strict=True) if made
                )
                remember_renderings(stored.remembered_renderings().items())
            stamp = int(data["stamp"])
            stamp_hash = str(data["stamp_hash"]) if "stamp_hash" in data.files else ""
        index._base_names = len(index.names)
        index._index_entries()
        return index, stamp, stamp_hash


_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


def _joined_pieces(text: str) -> dict[str, str]:
    """Each piece of a hyphenated word of `text` (as `tokenize` gives it) -> the word joined:
    Магомед-Расул -> {Магомед: МагомедРасул, Расул: МагомедРасул}."""
    found: dict[str, str] = {}
    for match in _HYPHENATED.finditer(text):
        pieces = tokenize(match.group())
        if len(pieces) > 1:
            whole = "".join(pieces)  # keys read no case: МагомедРасул is Магомедрасул
            for piece in pieces:
                found.setdefault(piece, whole)
    return found


@forgettable(maxsize=100_000)
def _folded(name: str) -> str:
    """A name in lower-case ASCII, whatever its script (anyascii), for a rough nearness."""
    return anyascii(name).lower()


def _slipped_years(year: int) -> set[int]:
    """Years one off, or one digit off, from `year` (1983: 1982, 1984, 1980-1989, 1903-1993)."""
    found = {year - 1, year + 1}
    found |= {year // 10 * 10 + d for d in range(10)}
    found |= {year // 100 * 100 + d * 10 + year % 10 for d in range(10)}
    found.discard(year)
    return {y for y in found if 1800 <= y <= 2200}


def _unique(values: IntArray) -> IntArray:
    """The distinct values, sorted: `np.unique` without its hash table, which costs about ten
    times a sort at the sizes a search meets (a few thousand ids: 210 µs against 27 µs).

    The values are mostly postings put end to end, each sorted already: the stable sort
    (timsort for 64-bit integers) merges such runs, four to six times faster than numpy's
    default sort over the same arrays (a search's 4,500 calls at a million records: 14 ms
    against 64-88 ms)."""
    return _distinct_sorted(np.sort(values, kind="stable"))


def _distinct_sorted(ordered: IntArray) -> IntArray:
    """The distinct values of an array sorted already."""
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _shared(a: IntArray, b: IntArray) -> IntArray:
    """The distinct name ids in both of two sorted postings: the shorter's looked up in the
    longer by binary search. (`np.intersect1d` sorts both: a common given name's postings hold
    a hundred thousand names at a million records, and every family name a search ranks met
    them once: search p50 0.58 → 3.19 ms, p95 1.74 → 14.7 ms at 1,000,000 records.) The ids
    found keep the shorter posting's order, so they need no sort."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    return _distinct_sorted(a[_in_posting(a, b)])


def _union(a: IntArray, b: IntArray) -> IntArray:
    """`np.union1d` for name ids, by `_unique`."""
    return _unique(np.concatenate([a, b]))


def _searched(name_ids: IntArray, posting: IntArray) -> bool:
    """True when finding the names in the posting by binary search costs less than scattering
    the posting (its length in random writes): measured at a million records, a search step
    costs about 1.7 times a scattered write."""
    return len(posting) > SEARCH_STEP_COST * len(name_ids) * math.log2(len(posting) + 1)


def _in_posting(name_ids: IntArray, posting: IntArray) -> npt.NDArray[np.bool_]:
    """Which of the names a sorted posting holds, by binary search."""
    at = np.minimum(np.searchsorted(posting, name_ids), len(posting) - 1)
    found: npt.NDArray[np.bool_] = posting[at] == name_ids
    return found


def _carried(name_ids: IntArray, postings: list[IntArray], names: int) -> IntArray:
    """For each name id, how many of the postings hold it (a name counts once per posting).

    At a million records a common given name's keys hold hundreds of thousands of names, and
    the names looked for are often a few dozen: those postings are searched for the names, the
    others scattered into counts over every name.
    """
    found = np.zeros(len(name_ids), dtype=np.int64)
    counts: npt.NDArray[np.int32] | None = None
    for posting in postings:
        if not len(posting) or not len(name_ids):
            continue
        if _searched(name_ids, posting):
            found += _in_posting(name_ids, posting)
        else:
            if counts is None:
                counts = np.zeros(names, dtype=np.int32)
            counts[posting] += 1  # an id repeated in one posting counts once
    if counts is not None:
        found += counts[name_ids]
    return found


def _most_keys(name_ids: IntArray, postings: list[IntArray], names: int) -> IntArray:
    """The names ordered by how many of the query's keys they carry, most first."""
    return name_ids[np.argsort(-_carried(name_ids, postings, names), kind="stable")]


def _members(base: IntArray, postings: list[IntArray], names: int) -> IntArray:
    """1 where a base name id is in any of the postings, else 0."""
    # Scattering the postings into a mask costs their length; searching each of a large base
    # in each of several large postings costs more, a small base in a long posting less.
    found = np.zeros(len(base), dtype=bool)
    mask: npt.NDArray[np.bool_] | None = None
    for posting in postings:
        if not len(posting) or not len(base):
            continue
        if _searched(base, posting):
            found |= _in_posting(base, posting)
        else:
            if mask is None:
                mask = np.zeros(names, dtype=bool)
            mask[posting] = True
    if mask is not None:
        found |= mask[base]
    return found.astype(np.int64)
