"""How indexed models become whoosh documents.

There is one whoosh index per root model, the topmost concrete model of a
multi-table inheritance tree (as in modelsearch's Elasticsearch backend): all
Wagtail pages share one index, records have another. `IndexMapping` describes
that index: its schema, the document for an object, and the columns that a
search or a filter on one of its models uses.

Schema field names (whoosh forbids a leading underscore; Django field names
cannot contain "__", so these never collide with a model's):

- ``m__id``  the primary key as text: unique, and the only stored value;
- ``m__pk``  an integer primary key again, sortable (ordering ties, ranges);
- ``m__ct``  "app_label.model" of the object's model and indexed ancestors;
- ``m__null`` / ``m__set``  filter columns without / with a value (isnull);
- ``m__spell``  unstemmed words of the searchable text: spelling suggestions
  and ``word*`` prefixes ("heari*" finds "hearing", whose stem is "hear");
- ``t__<name>``  a SearchField: English stemming, positions for phrases;
- ``a__<name>``  an AutocompleteField, as edge n-grams of its words;
- ``f__<name>``  a FilterField, typed: numbers, dates and times are numeric
  (so ranges work) and single-valued ones are sortable.

``<name>`` is the field name (the attname for filters), prefixed with
``<app_label>_<model>__`` when a subclass of the root model defines it, and
with ``<relation>__`` inside RelatedFields.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    class_is_indexed,
    get_indexed_models,
)
from whoosh import fields, formats
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.support.charset import accent_map
from whoosh.util.numeric import to_sortable

# Bump when analysis or field layout changes: indexes built before then are
# reported as needing a rebuild instead of giving wrong answers.
MAPPING_VERSION = 1

ID = "m__id"
PK = "m__pk"
CONTENT_TYPES = "m__ct"
NULLS = "m__null"
PRESENT = "m__set"
SPELLING = "m__spell"

AUTOCOMPLETE_MAX_GRAM = 20

# Words, keeping "1.11" and "e.g" whole (whoosh's default also keeps "*").
WORD = r"\w+(\.?\w+)*"
# The same words for re.findall (which would return the group instead), and
# twice as fast: after a greedy \w+, "\.?\w+" can only go on with a dot.
_WORDS = re.compile(r"\w+(?:\.\w+)*")
# Words offered as spelling suggestions: letters only, three or more.
SPELLING_WORD = r"[^\W\d_]{3,}"

EPOCH = datetime.datetime(1970, 1, 1)

# A float column's value for documents without one: the largest float, in
# the sortable form whoosh stores (its own default, NaN, cannot be stored).
FLOAT_COLUMN_DEFAULT = to_sortable(float, 64, True, sys.float_info.max)

_KINDS = {
    "AutoField": "int",
    "BigAutoField": "int",
    "SmallAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "FloatField": "float",
    "DecimalField": "float",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "DurationField": "duration",
    "BooleanField": "bool",
    "NullBooleanField": "bool",
}


# Analyzers are stateless between calls (the stemmer's cache is thread-safe),
# so one instance of each serves every index and query.


@cache
def text_analyzer():
    """whoosh's StemmingAnalyzer chain (English Porter stemming, stop words)
    with accents folded, so "Müller" finds "Muller"."""
    return word_analyzer() | StopFilter() | StemFilter()


@cache
def word_analyzer():
    """Words as typed, lowercased and accent-folded: autocomplete queries."""
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)


@cache
def autocomplete_analyzer():
    return word_analyzer() | NgramFilter(1, AUTOCOMPLETE_MAX_GRAM, at="start")


@cache
def spelling_analyzer():
    """Whole words of three letters or more, as suggestions are shown."""
    return RegexTokenizer(SPELLING_WORD) | LowercaseFilter() | CharsetFilter(accent_map)


class VocabularyTokenizer(Tokenizer):
    """`spelling_analyzer` for indexing, in one pass: each distinct word of
    a document once, without positions (the spelling field only records
    which words a document has), so a long text costs a regex scan and a
    set instead of a chain of filters over every word."""

    def __init__(self):
        self._find = re.compile(SPELLING_WORD).findall

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, **kwargs):
        token = Token(positions=False, chars=False, removestops=False, mode="index")
        for word in self.words(value):
            token.text = word
            yield token

    def words(self, value: str) -> set[str]:
        """The distinct terms of `value`, as the tokens give them."""
        if value.isascii():
            # ASCII lowercases letter by letter and folds to itself.
            return set(self._find(value.lower()))
        found = set(self._find(value))
        # The ASCII words (most, even in a text with a "·" or an "é")
        # lowercased in one call, the others one by one.
        plain = [word for word in found if word.isascii()]
        words = set("\n".join(plain).lower().split("\n")) if plain else set()
        words.update(_folded(word) for word in found if not word.isascii())
        return words


@cache
def vocabulary_analyzer():
    return VocabularyTokenizer()


class _WordCache(dict):
    """Word as found -> what `analyse` makes of it, worked out on first use."""

    def __init__(self, analyse):
        super().__init__()
        self.analyse = analyse

    def __missing__(self, word: str):
        value = self[word] = self.analyse(word)
        return value


def _words(text: str) -> list[str]:
    # ASCII lowercases letter by letter (and folds to itself): one call for
    # the whole text instead of one per word.
    return _WORDS.findall(text.lower() if text.isascii() else text)


def _folded(word: str) -> str:
    word = word.lower()
    return word if word.isascii() else word.translate(accent_map)


class TextTerms:
    """`text_analyzer()` at index time, without a Token per word: a text's
    terms with their positions (as the analyzer numbers them: stop words
    removed, the rest counted on from the first kept word) and the field
    length (the number of kept words).

    Lowercasing, folding, stopping and stemming depend only on the word, so
    each distinct word goes through them once and is remembered. Queries keep
    the analyzer itself; tests check that both give the same terms."""

    CACHE_LIMIT = 200_000

    def __init__(self, analyzer: CompositeAnalyzer):
        tokenizer, lowercase, charset, stop, stem = analyzer.items
        if not (
            _is_word_tokenizer(tokenizer, lowercase, charset)
            and type(stop) is StopFilter
            and stop.renumber
            and type(stem) is StemFilter
            and stem.lang is None
        ):
            raise ValueError(f"TextTerms does not reproduce {analyzer!r}")
        self._stops = stop.stops
        self._min = stop.min
        self._max = stop.max
        self._stem = stem.stemfn
        self._unstemmed = stem.ignore
        # Word as found -> term, or "" for a stop word.
        self._terms = _WordCache(self._term)

    def __call__(self, text: str) -> tuple[dict[str, list[int]], int]:
        if len(self._terms) > self.CACHE_LIMIT:
            self._terms.clear()
        found = list(map(self._terms.__getitem__, _words(text)))
        start = next((number for number, term in enumerate(found) if term), 0)
        positions: dict[str, list[int]] = {}
        kept = list(filter(None, found))
        for position, term in enumerate(kept, start):
            known = positions.get(term)
            if known is None:
                positions[term] = [position]
            else:
                known.append(position)
        return positions, len(kept)

    def _term(self, word: str) -> str:
        word = _folded(word)
        size = len(word)
        if size < self._min or (self._max is not None and size > self._max):
            return ""
        if word in self._stops:
            return ""
        return word if word in self._unstemmed else self._stem(word)


class PrefixTerms:
    """`autocomplete_analyzer()` at index time: each word's leading n-grams
    with how often the text has them, and the field length (all n-grams)."""

    # A word's n-grams take about a kilobyte.
    CACHE_LIMIT = 20_000

    def __init__(self, analyzer: CompositeAnalyzer):
        tokenizer, lowercase, charset, ngrams = analyzer.items
        if not (
            _is_word_tokenizer(tokenizer, lowercase, charset)
            and type(ngrams) is NgramFilter
            and ngrams.at == -1
        ):
            raise ValueError(f"PrefixTerms does not reproduce {analyzer!r}")
        self._min = ngrams.min
        self._max = ngrams.max
        self._prefixes = _WordCache(self._word_prefixes)

    def __call__(self, text: str) -> tuple[dict[str, int], int]:
        if len(self._prefixes) > self.CACHE_LIMIT:
            self._prefixes.clear()
        counts: dict[str, int] = {}
        length = 0
        for prefixes in map(self._prefixes.__getitem__, _words(text)):
            length += len(prefixes)
            for prefix in prefixes:
                counts[prefix] = counts.get(prefix, 0) + 1
        return counts, length

    def _word_prefixes(self, word: str) -> tuple[str, ...]:
        word = _folded(word)
        if len(word) < self._min:
            return ()
        return tuple(
            word[:size] for size in range(self._min, min(self._max, len(word)) + 1)
        )


def _is_word_tokenizer(tokenizer, lowercase, charset) -> bool:
    """Is this `word_analyzer()`, which `_words` and `_folded` reproduce?"""
    return (
        type(tokenizer) is RegexTokenizer
        and tokenizer.expression.pattern == WORD
        and not tokenizer.gaps
        and type(lowercase) is LowercaseFilter
        and type(charset) is CharsetFilter
        and charset.charmap == accent_map
    )


@cache
def text_terms() -> TextTerms:
    return TextTerms(text_analyzer())


@cache
def prefix_terms() -> PrefixTerms:
    return PrefixTerms(autocomplete_analyzer())


def datetime_to_micros(value: datetime.datetime) -> int:
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _start_of_day(value: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(value, datetime.time.min)
    if timezone.is_naive(start) and _use_tz():
        start = timezone.make_aware(start)
    return start


def _use_tz() -> bool:
    from django.conf import settings

    return settings.USE_TZ


@dataclass(frozen=True)
class FilterColumn:
    """A FilterField's place in the index: its type and whether one document
    can hold several values (to-many relations)."""

    name: str
    kind: str
    multi: bool

    @property
    def sortable(self) -> bool:
        return not self.multi

    def whoosh_field(self) -> fields.FieldType:
        sortable = self.sortable
        if self.kind == "str":
            return fields.ID(sortable=sortable)
        if self.kind == "float":
            # Documents without a value sort last, as in int columns.
            return fields.NUMERIC(
                float, shift_step=8, sortable=sortable, default=FLOAT_COLUMN_DEFAULT
            )
        if self.kind == "bool":
            return fields.NUMERIC(int, bits=8, shift_step=0, sortable=sortable)
        return fields.NUMERIC(int, bits=64, shift_step=8, sortable=sortable)

    def to_index(self, value):
        """The value as indexed (and as compared in filters)."""
        kind = self.kind
        if value is None:
            return None
        if isinstance(value, models.Model):
            value = value.pk
        if kind == "str":
            return force_str(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return int(bool(value))
        if kind == "date":
            if isinstance(value, datetime.datetime):
                value = value.date()
            return datetime_to_micros(
                datetime.datetime.combine(value, datetime.time.min)
            )
        if kind == "datetime":
            if not isinstance(value, datetime.datetime):
                value = _start_of_day(value)
            return datetime_to_micros(value)
        if kind == "time":
            return (
                (value.hour * 60 + value.minute) * 60 + value.second
            ) * 1_000_000 + value.microsecond
        if kind == "duration":
            return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        raise ValueError(f"Unknown column kind {kind!r}")

    def from_index(self, value):
        """An indexed value back as the model field's Python value."""
        kind = self.kind
        if kind in ("str", "int", "float"):
            return value
        if kind == "bool":
            return bool(value)
        if kind in ("date", "datetime"):
            moment = EPOCH + datetime.timedelta(microseconds=value)
            if kind == "date":
                return moment.date()
            return moment.replace(tzinfo=datetime.UTC) if _use_tz() else moment
        if kind == "time":
            return (
                datetime.datetime.min + datetime.timedelta(microseconds=value)
            ).time()
        return datetime.timedelta(microseconds=value)


@dataclass(frozen=True)
class TextColumn:
    name: str
    boost: float = 1.0


@dataclass(frozen=True)
class _Entry:
    """One search_fields entry of a model, with the column it feeds."""

    definition: object
    column: str = ""
    children: tuple[_Entry, ...] | None = None  # set for RelatedFields


@dataclass
class _Document:
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    autocomplete: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    filters: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    nulls: set[str] = field(default_factory=set)


@cache
def mapping_for(root_model: type[models.Model]) -> IndexMapping:
    return IndexMapping(root_model)


class IndexMapping:
    """The schema and documents of the index for one root model."""

    def __init__(self, root_model: type[models.Model]):
        self.root = root_model
        self.models = [
            model
            for model in get_indexed_models()
            if get_model_root(model) is root_model
        ]
        if class_is_indexed(root_model) and root_model not in self.models:
            self.models.insert(0, root_model)
        self.integer_pk = _kind(_field_type(root_model._meta.pk)) == "int"
        self.filter_columns: dict[str, FilterColumn] = {}
        self.text_columns: set[str] = set()
        self.autocomplete_columns: set[str] = set()
        self._entries = {model: self._entries_for(model) for model in self.models}
        self.schema = self._schema()

    @property
    def name(self) -> str:
        return f"{self.root._meta.app_label}_{self.root._meta.model_name}"

    # Columns

    def _prefix(self, model, definition) -> str:
        owner = definition.get_definition_model(model)
        if not (isinstance(owner, type) and issubclass(owner, models.Model)):
            owner = model
        if owner is self.root or issubclass(self.root, owner):
            return ""
        return f"{owner._meta.app_label}_{owner._meta.model_name}__"

    def _entries_for(self, model, definitions=None, base=None, multi=False):
        entries = []
        for definition in definitions or model.get_search_fields():
            prefix = self._prefix(model, definition) if base is None else base
            if isinstance(definition, RelatedFields):
                relation = definition.get_field(model)
                to_many = relation.many_to_many or relation.one_to_many
                children = self._entries_for(
                    relation.related_model,
                    definition.fields,
                    f"{prefix}{definition.field_name}__",
                    multi or to_many,
                )
                entries.append(_Entry(definition, children=tuple(children)))
            elif isinstance(definition, FilterField):
                name = f"f__{prefix}{definition.get_attname(model)}"
                self._add_filter_column(name, model, definition, multi)
                entries.append(_Entry(definition, name))
            elif isinstance(definition, AutocompleteField):
                name = f"a__{prefix}{definition.field_name}"
                self.autocomplete_columns.add(name)
                entries.append(_Entry(definition, name))
            elif isinstance(definition, SearchField):
                name = f"t__{prefix}{definition.field_name}"
                self.text_columns.add(name)
                entries.append(_Entry(definition, name))
        return entries

    def _add_filter_column(self, name, model, definition, multi):
        try:
            model_field = definition.get_field(model)
        except FieldDoesNotExist:
            model_field = None
        # Callables and to-many fields may hold several values: never sorted.
        multi = multi or model_field is None or _is_to_many(model_field)
        column = FilterColumn(name, _kind(definition.get_type(model)), multi)
        known = self.filter_columns.get(name)
        if known and known.kind != column.kind:
            raise ImproperlyConfigured(
                f"search field {name[3:]!r} of {self.root.__name__} is indexed "
                f"both as {known.kind} and as {column.kind}"
            )
        if known and known.multi:
            column = known
        self.filter_columns[name] = column

    def searchable(self, model, field_names=None) -> list[TextColumn]:
        """Text columns a search on `model` reads: its SearchFields and those
        of its indexed subclasses, or only the named fields of `model`."""
        return self._columns(model, field_names, SearchField, "t__")

    def autocompletable(self, model, field_names=None) -> list[TextColumn]:
        return self._columns(model, field_names, AutocompleteField, "a__")

    def _columns(self, model, field_names, kind, column_prefix):
        boosts: dict[str, float] = {}
        if field_names is not None:
            wanted = set(field_names)
            for definition in model.get_search_fields():
                if type(definition) is kind and definition.field_name in wanted:
                    name = column_prefix + self._prefix(model, definition)
                    name += definition.field_name
                    boosts[name] = float(getattr(definition, "boost", None) or 1)
            return [TextColumn(name, boost) for name, boost in boosts.items()]
        for other in self.models:
            if issubclass(other, model):
                self._collect_boosts(self._entries[other], kind, boosts, 1.0)
        return [TextColumn(name, boost) for name, boost in sorted(boosts.items())]

    def _collect_boosts(self, entries, kind, boosts, parent_boost):
        for entry in entries:
            if entry.children is not None:
                self._collect_boosts(entry.children, kind, boosts, parent_boost)
            elif type(entry.definition) is kind:
                boost = float(getattr(entry.definition, "boost", None) or 1)
                boosts[entry.column] = max(boosts.get(entry.column, 0), boost)

    def filter_column(self, model, field_path) -> FilterColumn | None:
        """The column for a path of search_fields definitions (RelatedFields
        followed by a FilterField), as modelsearch's compiler finds it."""
        name = "f__" + self._prefix(model, field_path[0])
        current = model
        for relation in field_path[:-1]:
            name += relation.field_name + "__"
            current = relation.get_field(current).related_model
        name += field_path[-1].get_attname(current)
        return self.filter_columns.get(name)

    def sort_column(self, model, field_name) -> FilterColumn | None:
        for definition in model.get_filterable_search_fields():
            if definition.field_name == field_name or (
                definition.get_attname(model) == field_name
            ):
                return self.filter_column(model, [definition])
        return None

    def content_type(self, model) -> str:
        return f"{model._meta.app_label}.{model._meta.model_name}"

    def content_types(self, model) -> list[str]:
        """The model's label and those of its indexed ancestors."""
        labels = []
        while model is not None:
            labels.append(self.content_type(model))
            model = model.indexed_get_parent()
        return labels

    def holds_only(self, model) -> bool:
        """Is every document of this index an instance of `model`?"""
        return model is self.root

    # Schema

    def _schema(self) -> fields.Schema:
        columns = {
            ID: fields.ID(unique=True, stored=True, sortable=not self.integer_pk),
            CONTENT_TYPES: fields.ID(),
            NULLS: fields.ID(),
            PRESENT: fields.ID(),
            SPELLING: fields.FieldType(formats.Existence(), vocabulary_analyzer()),
        }
        layout = {name: "meta" for name in columns}
        if self.integer_pk:
            columns[PK] = fields.NUMERIC(int, 64, shift_step=0, sortable=True)
            layout[PK] = "meta"
        for name in self.text_columns:
            columns[name] = fields.TEXT(analyzer=text_analyzer(), phrase=True)
            layout[name] = "text"
        for name in self.autocomplete_columns:
            columns[name] = fields.TEXT(analyzer=autocomplete_analyzer(), phrase=False)
            layout[name] = "autocomplete"
        for name, column in self.filter_columns.items():
            columns[name] = column.whoosh_field()
            layout[name] = f"{column.kind}:{'multi' if column.multi else 'single'}"
        self.layout_field = _layout_field(layout)
        columns[self.layout_field] = fields.STORED()
        return fields.Schema(**columns)

    # Documents

    def document(self, obj) -> dict:
        """The whoosh document for `obj`, an instance of one of the models."""
        model = type(obj)
        values = _Document()
        self._collect(self._entries_for_model(model), obj, values)
        doc = {ID: str(obj.pk), CONTENT_TYPES: self.content_types(model)}
        if self.integer_pk:
            doc[PK] = int(obj.pk)
        spelling = []
        for name, parts in values.texts.items():
            doc[name] = "\n".join(parts)
            spelling.append(doc[name])
        for name, parts in values.autocomplete.items():
            doc[name] = "\n".join(parts)
        present = []
        for name, items in values.filters.items():
            column = self.filter_columns[name]
            doc[name] = items if column.multi else items[0]
            present.append(name)
        if spelling:
            doc[SPELLING] = "\n".join(spelling)
        if values.nulls:
            doc[NULLS] = sorted(values.nulls)
        if present:
            doc[PRESENT] = sorted(present)
        return doc

    def _entries_for_model(self, model):
        if model not in self._entries:
            # A proxy or a model registered after start-up: same layout rules.
            self._entries[model] = self._entries_for(model)
        return self._entries[model]

    def _collect(self, entries, obj, values: _Document):
        for entry in entries:
            definition = entry.definition
            if entry.children is not None:
                related = _related_objects(definition.get_value(obj)) if obj else []
                for item in related or [None]:
                    self._collect(entry.children, item, values)
            elif isinstance(definition, FilterField):
                self._collect_filter(entry.column, definition, obj, values)
            elif obj is not None:
                text = _text(definition.get_value(obj))
                if text:
                    target = (
                        values.autocomplete
                        if isinstance(definition, AutocompleteField)
                        else values.texts
                    )
                    target[entry.column].append(text)

    def _collect_filter(self, name, definition, obj, values: _Document):
        column = self.filter_columns[name]
        raw = definition.get_value(obj) if obj is not None else None
        items = _filter_values(raw)
        converted = [column.to_index(item) for item in items]
        if not converted or None in converted:
            values.nulls.add(name)
        values.filters[name].extend(item for item in converted if item is not None)
        if not values.filters[name]:
            del values.filters[name]


def _layout_field(layout: dict[str, str]) -> str:
    """A field whose name identifies the layout: an index built for other
    search_fields (or by an older mapping) lacks it, so it is rebuilt."""
    lines = [f"v{MAPPING_VERSION}"] + [f"{k}={v}" for k, v in sorted(layout.items())]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    return f"m__layout_{digest}"


def _kind(internal_type: str) -> str:
    return _KINDS.get(internal_type, "str")


def _field_type(model_field) -> str:
    while model_field.is_relation and model_field.target_field is not model_field:
        model_field = model_field.target_field
    return model_field.get_internal_type()


def _is_to_many(model_field) -> bool:
    return bool(model_field.many_to_many or model_field.one_to_many)


def _related_objects(value) -> list:
    if value is None:
        return []
    if isinstance(value, models.Manager):
        return list(value.all())
    if isinstance(value, models.QuerySet | list | tuple):
        return list(value)
    if callable(value) and not isinstance(value, models.Model):
        return _related_objects(value())
    return [value]


def _filter_values(value) -> list:
    if isinstance(value, models.Manager):
        value = value.all()
    if isinstance(value, models.QuerySet):
        return list(value.values_list("pk", flat=True))
    if isinstance(value, list | tuple | set):
        return [item.pk if isinstance(item, models.Model) else item for item in value]
    return [value]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_text(item) for item in value.values())
    return force_str(value)
