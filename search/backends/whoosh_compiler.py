"""A search on a queryset as whoosh queries: scored text, filters, order.

The queryset's where clause is walked as modelsearch's other backends do
(`BaseSearchQueryCompiler._get_filters_from_queryset`), every lookup on a
FilterField becoming a whoosh query on its column. With the content type
they form the filter: whoosh checks each candidate against it (a cached set
of allowed documents) before scoring it into the top N, so results are never
trimmed afterwards.

Beyond the other backends:

- lookups on the primary key need no FilterField (it is always indexed),
  including a subclass's ``<parent>_ptr`` that modelsearch otherwise skips;
- ``pk__in=<queryset of the same index>`` (how `visible_to` filters across
  to-many relations) is translated from that queryset's own filters, and
  only evaluated in the database when they cannot be;
- several conditions on the same to-many join ("a topic named X *of kind*
  Y") cannot be told apart from conditions on different related rows in a
  flat document, so such querysets are filtered by their primary keys,
  fetched from the database.
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, OrderBy, Subquery
from django.db.models.expressions import Col
from django.db.models.functions.datetime import Extract
from django.db.models.lookups import Lookup
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from django.db.models.sql.where import WhereNode
from modelsearch.backends.base import (
    BaseSearchQueryCompiler,
    FieldError,
    FilterError,
    FilterFieldError,
    OrderByFieldError,
    get_model_root,
)
from modelsearch.index import class_is_indexed
from modelsearch.query import MATCH_ALL
from whoosh import query as wq
from whoosh import sorting

from .whoosh_mapping import CONTENT_TYPES, ID, PK, SPELLING, FilterColumn, mapping_for
from .whoosh_queries import (
    NOTHING,
    QueryTranslator,
    all_of,
    any_of,
    constant,
    everything,
    is_everything,
    lookup_query,
    negation,
)

logger = logging.getLogger("search.backends.whoosh")


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    # As modelsearch's database backends: every word must match.
    DEFAULT_OPERATOR = "and"
    # F("field").desc() orderings on FilterFields are translated.
    HANDLES_ORDER_BY_EXPRESSIONS = True
    autocomplete = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = self.queryset.model
        self.mapping = mapping_for(get_model_root(self.model))

    def check(self):
        super().check()
        self.sort_keys()

    # The whole query

    @cached_property
    def plan(self) -> tuple[wq.Query, wq.Query | None] | None:
        """(scored query, filter query or None), or None when nothing can
        match. whoosh applies the filter while it collects the top N."""
        scored = self.scored_query()
        if scored is NOTHING:
            return None
        filters = self.filter_query()
        if filters is NOTHING:
            return None
        if filters is not None and is_everything(scored):
            return constant(filters), None
        return scored, filters

    def scored_query(self) -> wq.Query:
        translator = QueryTranslator(
            self.text_columns(),
            autocomplete=self.autocomplete,
            # Holds the words of all text fields: not when fields are chosen.
            vocabulary=SPELLING if self.fields is None else None,
        )
        return translator.translate(self.query)

    def text_columns(self):
        return self.mapping.searchable(self.model, self.fields)

    # Filters

    def filter_query(self) -> wq.Query | None:
        """Content type and queryset filters; None when nothing is filtered."""
        clauses = []
        if not self.mapping.holds_only(self.model):
            clauses.append(
                wq.Term(CONTENT_TYPES, self.mapping.content_type(self.model))
            )
        if self._same_related_row_conditions():
            clauses.append(self._filter_by_database())
        else:
            translated = self._get_filters_from_queryset()
            if translated is not None:
                clauses.append(translated)
        combined = all_of(clauses)
        return None if is_everything(combined) else combined

    def _process_lookup(self, field_path, lookup, value):
        column = self.mapping.filter_column(self.model, field_path)
        if column is None:
            name = field_path[-1].field_name
            raise FilterFieldError(
                f'Cannot filter search results with field "{name}".', field_name=name
            )
        return lookup_query(column, lookup, self._lookup_value(lookup, value))

    def _process_match_none(self):
        return NOTHING

    def _connect_filters(self, filters, connector, negated):
        filters = [item for item in filters if item is not None]
        if not filters:
            return None
        combined = all_of(filters) if connector == "AND" else any_of(filters)
        return negation(combined) if negated else combined

    def _get_filters_from_where_node(self, where_node, check_only=False):
        if isinstance(where_node, Lookup):
            column = where_node.lhs
            if isinstance(column, Extract):
                column = column.lhs
            if not isinstance(column, Col):
                raise FilterError(
                    "Cannot apply filter on search results: lookups on "
                    f"expressions ({type(column).__name__}) are not supported."
                )
            if self._is_own_primary_key(column) and not isinstance(
                where_node.lhs, Extract
            ):
                if check_only:
                    return None
                return self._primary_key_filter(where_node.lookup_name, where_node.rhs)
        return super()._get_filters_from_where_node(where_node, check_only=check_only)

    def _lookup_value(self, lookup, value):
        if isinstance(value, Query | Subquery):
            return self._run_subquery(value, many=lookup in ("in", "range"))
        if hasattr(value, "resolve_expression"):
            raise FilterError(
                "Cannot apply filter on search results: comparing with "
                f"{type(value).__name__} expressions is not supported."
            )
        if lookup == "in":
            return list(value)
        return value

    def _run_subquery(self, value, *, many: bool):
        query = value.query if isinstance(value, Subquery) else value
        compiler = query.get_compiler(self.queryset.db or DEFAULT_DB_ALIAS)
        if many:
            rows = compiler.execute_sql(result_type=MULTI)
            return [row[0] for chunk in rows for row in chunk]
        row = compiler.execute_sql(result_type=SINGLE)
        return row[0] if row else None

    # The primary key

    def _is_own_primary_key(self, column: Col) -> bool:
        """Is `column` this model's primary key (or, through parent links,
        an ancestor's, which is the same value)?"""
        if not column.target.primary_key:
            return False
        alias_map = self.queryset.query.alias_map
        alias = column.alias
        while alias_map[alias].parent_alias is not None:
            join_field = alias_map[alias].join_field
            if not (
                join_field.one_to_one
                and getattr(join_field.remote_field, "parent_link", False)
            ):
                return False
            alias = alias_map[alias].parent_alias
        return True

    def _primary_key_filter(self, lookup, value):
        if lookup in ("exact", "in") and isinstance(value, Query | Subquery):
            translated = self._translate_subquery(value)
            if translated is not None:
                return translated
        value = self._lookup_value(lookup, value)
        if lookup == "isnull":
            return NOTHING if value else everything()
        to_python = self.model._meta.pk.to_python
        if lookup in ("exact", "in"):
            values = value if lookup == "in" else [value]
            return any_of(
                wq.Term(ID, str(to_python(item))) for item in values if item is not None
            )
        if self.mapping.integer_pk:
            column = FilterColumn(PK, "int", multi=False)
        else:
            column = FilterColumn(ID, "str", multi=False)
        result = lookup_query(column, lookup, value)
        if result is None:
            raise FilterError(
                f'Could not apply filter on search results: "pk__{lookup}" '
                "is not supported."
            )
        return result

    def _translate_subquery(self, value) -> wq.Query | None:
        """``pk__in=`` a queryset of a model in this index, as its filters."""
        query = value.query if isinstance(value, Subquery) else value
        model = query.model
        if (
            model is None
            or not class_is_indexed(model)
            or get_model_root(model) is not self.mapping.root
            or query.is_sliced
            or query.combinator
            or query.distinct_fields
            or query.annotation_select
            or query.extra
            or len(query.select) != 1
            or not isinstance(query.select[0], Col)
        ):
            return None
        queryset = model._base_manager.all()
        queryset.query = query
        inner = WhooshSearchQueryCompiler(queryset, MATCH_ALL)
        if not inner._is_own_primary_key(query.select[0]):
            return None
        try:
            filters = inner.filter_query()
        except (FieldError, FilterError):
            return None
        return everything() if filters is None else filters

    # Conditions on one related row

    def _same_related_row_conditions(self) -> bool:
        """Do two lookups go through the same to-many join?"""
        joins = Counter(
            alias
            for alias in map(self._to_many_join, _lookups(self.queryset.query.where))
            if alias is not None
        )
        return any(count > 1 for count in joins.values())

    def _to_many_join(self, lookup: Lookup) -> str | None:
        column = lookup.lhs.lhs if isinstance(lookup.lhs, Extract) else lookup.lhs
        alias_map = self.queryset.query.alias_map
        alias = getattr(column, "alias", None)
        chain = []
        while alias is not None and alias_map[alias].parent_alias is not None:
            chain.append(alias)
            alias = alias_map[alias].parent_alias
        for alias in reversed(chain):
            join_field = alias_map[alias].join_field
            if join_field.one_to_many or join_field.many_to_many:
                return alias
        return None

    def _filter_by_database(self) -> wq.Query:
        logger.debug(
            "Filtering a search on %s by primary keys from the database",
            self.model.__name__,
        )
        keys = self.queryset.order_by().values_list("pk", flat=True)
        return any_of(wq.Term(ID, str(key)) for key in keys)

    # Ordering

    def _get_order_by(self):
        # Validated and translated by sort_keys, which also accepts "pk".
        return iter(())

    def sort_keys(self) -> list[tuple[str, bool]] | None:
        """(column, descending) pairs, or None to order by relevance."""
        if self.order_by_relevance:
            return None
        query = self.queryset.query
        ordering = list(query.order_by)
        if not ordering and query.default_ordering:
            ordering = list(self.model._meta.ordering)
            try:
                return self._sort_keys(ordering)
            except OrderByFieldError:
                ordering = []
        return self._sort_keys(ordering)

    def _sort_keys(self, ordering) -> list[tuple[str, bool]]:
        keys = []
        for item in ordering:
            if isinstance(item, OrderBy) and isinstance(item.expression, F):
                name, descending = item.expression.name, item.descending
            elif isinstance(item, str) and item != "?":
                name, descending = item.lstrip("-"), item.startswith("-")
            else:
                raise OrderByFieldError(
                    f'Sorting search results with "{item}" is not supported by '
                    "this search backend.",
                    field_name=str(item),
                )
            keys.append((self._sort_column(name), descending))
        # Newest first among equals, as modelsearch's other backends.
        keys.append((self._pk_sort_column(), True))
        return keys

    def _sort_column(self, name: str) -> str:
        pk = self.model._meta.pk
        if name in ("pk", pk.name, pk.attname) and not self._get_filterable_field(name):
            return self._pk_sort_column()
        column = self.mapping.sort_column(self.model, name)
        if column is None or not column.sortable:
            raise OrderByFieldError(
                f'Cannot sort search results with field "{name}". Please add '
                f'index.FilterField("{name}") to {self.model.__name__}.search_fields.',
                field_name=name,
            )
        return column.name

    def _pk_sort_column(self) -> str:
        return PK if self.mapping.integer_pk else ID

    def sort_facets(self):
        keys = self.sort_keys()
        if keys is None:
            return None
        return [
            sorting.FieldFacet(name, reverse=descending) for name, descending in keys
        ]

    # Facets

    def facet_column(self, field_name: str) -> FilterColumn:
        definition = self._get_filterable_field(field_name)
        column = definition and self.mapping.filter_column(self.model, [definition])
        if column is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {self.model.__name__}.'
                "search_fields.",
                field_name=field_name,
            )
        return column


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    autocomplete = True

    def text_columns(self):
        if self.fields is None:
            return self.mapping.autocompletable(self.model)
        columns = []
        for name in self.fields:
            # A SearchField without an AutocompleteField matches word prefixes.
            columns += self.mapping.autocompletable(
                self.model, [name]
            ) or self.mapping.searchable(self.model, [name])
        return columns


def _lookups(node):
    if isinstance(node, Lookup):
        yield node
    elif isinstance(node, WhereNode):
        for child in node.children:
            yield from _lookups(child)
