"""A compiled plan: one operation of a validated document, resolved field by field without
graphql-core's per-field dispatch.

graphql-core decides, for every field of every object, which field it is, how to resolve it,
and how to complete its value (non-null, list, leaf, abstract, object), and collects the
sub-selection again per object type. A plan decides all of that once per (document,
operation, values of the @include/@skip variables) (portcullis/execution/compile.py); running
it is what is left: read an attribute or call the field's resolver, complete the value with
the completion compiled for its type, put it in the answer under its response name.

It keeps graphql-core's semantics to the byte because it keeps its structure and its error
handling, not an imitation of them:
- resolvers are the GraphQLField's own `resolve` (strawberry's wrapper: argument conversion,
  field extensions, that is the guards), called with graphql-core's arguments and resolve info;
- errors go through the executor's `handle_field_error` (located at the same path, raised to
  the nearest nullable parent, collected once per nulled position), with graphql-core's own
  messages;
- sibling fields and list items that wait are gathered where graphql-core gathers them
  (`gather_with_cancel`, one awaitable awaited alone), so DataLoaders batch at the same
  points and errors arrive in the same order.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
)
from graphql.execution import get_argument_values
from graphql.pyutils import Path, gather_with_cancel, is_iterable

from portcullis.graphql_internals import (
    Executor,
    FieldDetailsList,
    complete_leaf_value,
    invalid_return_type_error,
)

# graphql-core's resolve info of the field, or None where nothing that runs can ask for it.
Info: TypeAlias = Any


class Completion:
    """How a resolved value of one output type becomes its part of the answer."""

    needs_info = False  # whether completing calls something that takes the resolve info

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        raise NotImplementedError


class LeafCompletion(Completion):
    """A scalar or enum: graphql-core's `complete_leaf_value`. A value of the exact Python type
    the scalar returns unchanged (str for String and ID, bool for Boolean) is that value; an
    enum's coercions are remembered per (type, value), as they depend on nothing else."""

    def __init__(self, leaf_type: GraphQLLeafType, exact: type | None) -> None:
        self.leaf_type = leaf_type
        self.exact = exact
        self.memo: dict[tuple[type, Any], Any] | None = (
            {} if isinstance(leaf_type, GraphQLEnumType) else None
        )

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if type(result) is self.exact:
            return result
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        return self.coerce(result)

    def coerce(self, result: Any) -> Any:
        memo = self.memo
        if memo is None:
            return complete_leaf_value(self.leaf_type, result)
        key = (type(result), result)
        try:
            coerced = memo.get(key, Undefined)
        except TypeError:  # unhashable: not remembered
            return complete_leaf_value(self.leaf_type, result)
        if coerced is Undefined:
            coerced = memo[key] = complete_leaf_value(self.leaf_type, result)
        return coerced


class NonNullCompletion(Completion):
    def __init__(self, inner: Completion, parent_type: str, field_name: str) -> None:
        self.inner = inner
        self.needs_info = inner.needs_info
        self.message = f"Cannot return null for non-nullable field {parent_type}.{field_name}."

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        completed = self.inner.complete(ex, info, path, result)
        if completed is None:
            raise TypeError(self.message)
        return completed


class ListCompletion(Completion):
    """graphql-core's `complete_list_value` and `complete_iterable_value` (no @stream: the
    schema has no such directive)."""

    def __init__(
        self, list_type: Any, item: Completion, details: FieldDetailsList, field: str
    ) -> None:
        self.list_type = list_type
        self.item = item
        self.item_type = list_type.of_type
        self.details = details
        self.needs_info = True  # an async iterable completes with graphql-core's own method
        self.not_iterable = f"Expected Iterable, but did not find one for field '{field}'."

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        if ex.is_async_iterable(result):  # no resolver of this schema returns one
            return ex.complete_list_value(self.list_type, self.details, info, path, result, None)
        if not is_iterable(result):
            raise GraphQLError(self.not_iterable)
        return self.complete_items(ex, info, path, result)

    def complete_items(self, ex: Executor, info: Info, path: Path, items: Any) -> Any:
        is_awaitable, item = ex.is_awaitable, self.item
        completed: list[Any] = []
        append = completed.append
        waiting: list[int] = []
        iterator = iter(items)
        index = 0
        try:
            for value in iterator:
                item_path = Path(path, index, None)
                if is_awaitable(value):
                    append(self.awaited_item(ex, info, item_path, value))
                    waiting.append(index)
                else:
                    try:
                        done = item.complete(ex, info, item_path, value)
                        if is_awaitable(done):
                            append(self.item_completed(ex, item_path, done))
                            waiting.append(index)
                        else:
                            append(done)
                    except Exception as raw_error:
                        ex.handle_field_error(raw_error, self.item_type, self.details, item_path)
                        append(None)
                index += 1
        except Exception:
            pending = [completed[i] for i in waiting]
            pending.extend(v for v in iterator if is_awaitable(v))
            if pending:
                ex.settle_in_background(pending)
            raise
        if not waiting:
            return completed
        return _gathered_list(completed, waiting)

    async def awaited_item(self, ex: Executor, info: Info, path: Path, value: Any) -> Any:
        try:
            resolved = await value
            done = self.item.complete(ex, info, path, resolved)
            if ex.is_awaitable(done):
                done = await done
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.item_type, self.details, path)
            return None
        return done

    async def item_completed(self, ex: Executor, path: Path, done: Awaitable[Any]) -> Any:
        try:
            return await done
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.item_type, self.details, path)
            return None


async def _gathered_list(completed: list[Any], waiting: list[int]) -> list[Any]:
    if len(waiting) == 1:
        index = waiting[0]
        completed[index] = await completed[index]
    else:
        values = await gather_with_cancel(*(completed[i] for i in waiting))
        for index, value in zip(waiting, values, strict=True):
            completed[index] = value
    return completed


class ObjectCompletion(Completion):
    """graphql-core's `complete_object_value` for one object type: `is_type_of` when the type
    has one, then the sub-fields compiled for this type."""

    def __init__(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> None:
        self.object_type = object_type
        self.details = details
        self.is_type_of = object_type.is_type_of
        self.needs_info = self.is_type_of is not None
        self.fields: list[Field] = []  # filled by the compiler (fields may recurse)

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        return self.complete_object(ex, info, path, result)

    def complete_object(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if self.is_type_of is not None:
            is_type_of = self.is_type_of(result, info)
            if ex.is_awaitable(is_type_of):
                return self.checked_later(ex, path, result, is_type_of)
            if not is_type_of:
                raise invalid_return_type_error(self.object_type, result, self.details)
        return execute_fields(ex, self.fields, result, path)

    async def checked_later(
        self, ex: Executor, path: Path, result: Any, is_type_of: Awaitable[bool]
    ) -> Any:
        if not await is_type_of:
            raise invalid_return_type_error(self.object_type, result, self.details)
        fields = execute_fields(ex, self.fields, result, path)
        return await fields if ex.is_awaitable(fields) else fields


class AbstractCompletion(Completion):
    """graphql-core's `complete_abstract_value`: the runtime type from the type resolver,
    checked by the executor's own `ensure_valid_runtime_type`, then that type's plan."""

    needs_info = True

    def __init__(
        self,
        abstract_type: GraphQLAbstractType,
        objects: dict[str, ObjectCompletion],
        details: FieldDetailsList,
    ) -> None:
        self.abstract_type = abstract_type
        self.objects = objects
        self.details = details

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        resolve_type = self.abstract_type.resolve_type or ex.type_resolver
        runtime_type = resolve_type(result, info, self.abstract_type)
        if ex.is_awaitable(runtime_type):
            return self.resolved_later(ex, info, path, result, runtime_type)
        return self.complete_as(ex, info, path, result, runtime_type)

    def complete_as(self, ex: Executor, info: Any, path: Path, result: Any, name: Any) -> Any:
        runtime = ex.ensure_valid_runtime_type(name, self.abstract_type, self.details, info, result)
        return self.objects[runtime.name].complete_object(ex, info, path, result)

    async def resolved_later(
        self, ex: Executor, info: Info, path: Path, result: Any, name: Awaitable[Any]
    ) -> Any:
        value = self.complete_as(ex, info, path, result, await name)
        return await value if ex.is_awaitable(value) else value


class Field:
    """One response name of a selection on one object type: graphql-core's `execute_field`."""

    def __init__(
        self,
        parent_type: GraphQLObjectType,
        response_name: str,
        field: GraphQLField,
        details: FieldDetailsList,
        completion: Completion,
    ) -> None:
        self.parent_type = parent_type
        self.parent_name = parent_type.name
        self.response_name = response_name
        self.field = field
        self.return_type: GraphQLOutputType = field.type
        self.details = details
        self.nodes = [d.node for d in details]
        self.completion = completion
        self.resolve: Callable[..., Any] | None = field.resolve
        self.attribute: str | None = None  # set when the field is a plain attribute read
        self.arguments: dict[str, Any] | None = None  # when they do not depend on variables

    def execute(self, ex: Executor, source: Any, parent_path: Path | None) -> Any:
        path = Path(parent_path, self.response_name, self.parent_name)
        info: Info = None
        try:
            if self.attribute is not None:
                result = getattr(source, self.attribute)
                if self.completion.needs_info:
                    info = self.info(ex, path)
            else:
                info = self.info(ex, path)
                resolve = self.resolve or ex.field_resolver
                result = resolve(source, info, **self.argument_values(ex))
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.return_type, self.details, path)
            return None
        return self.complete(ex, info, path, result)

    def info(self, ex: Executor, path: Path) -> Info:
        return ex.build_resolve_info(self.field, self.nodes, self.parent_type, path)

    def argument_values(self, ex: Executor) -> dict[str, Any]:
        if self.arguments is not None:
            return self.arguments
        return get_argument_values(
            self.field,
            self.nodes[0],
            ex.variable_values,
            self.details[0].fragment_variable_values,
            ex.hide_suggestions,
        )

    def complete(self, ex: Executor, info: Info, path: Path, result: Any) -> Any:
        try:
            if ex.is_awaitable(result):
                return self.complete_awaited(ex, info, path, result)
            completed = self.completion.complete(ex, info, path, result)
            if ex.is_awaitable(completed):
                return self.completed_later(ex, path, completed)
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.return_type, self.details, path)
            return None
        return completed

    async def complete_awaited(
        self, ex: Executor, info: Info, path: Path, result: Awaitable[Any]
    ) -> Any:
        try:
            resolved = await result
            completed = self.completion.complete(ex, info, path, resolved)
            if ex.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.return_type, self.details, path)
            completed = None
        return completed

    async def completed_later(self, ex: Executor, path: Path, completed: Awaitable[Any]) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            ex.handle_field_error(raw_error, self.return_type, self.details, path)
            return None


class PlainLeaf(Field):
    """A scalar or enum read off the object (most fields of a page): the attribute, and the
    value itself when it is of the exact type its scalar returns unchanged; anything else
    (null, an exception, another type) completes as any field does."""

    def __init__(self, *args: Any, leaf: LeafCompletion, nullable: bool) -> None:
        super().__init__(*args)
        self.exact = leaf.exact
        self.leaf = leaf
        self.nullable = nullable

    def execute(self, ex: Executor, source: Any, parent_path: Path | None) -> Any:
        try:
            value = getattr(source, self.attribute)  # type: ignore[arg-type]
        except Exception as raw_error:
            path = Path(parent_path, self.response_name, self.parent_name)
            ex.handle_field_error(raw_error, self.return_type, self.details, path)
            return None
        if type(value) is self.exact:
            return value
        if value is None and self.nullable:
            return None
        path = Path(parent_path, self.response_name, self.parent_name)
        return self.complete(ex, None, path, value)


class TypeName(Field):
    """`__typename`: the parent's name (graphql-core's meta field resolves it so)."""

    def execute(self, ex: Executor, source: Any, parent_path: Path | None) -> Any:
        return self.parent_name


def execute_fields(ex: Executor, fields: list[Field], source: Any, path: Path | None) -> Any:
    """graphql-core's `execute_fields`: every field in order; those that wait are awaited
    together (one alone), and when a field raises, those already waiting settle apart."""
    results: dict[str, Any] = {}
    is_awaitable = ex.is_awaitable
    waiting: list[str] = []
    try:
        for field in fields:
            result = field.execute(ex, source, path)
            results[field.response_name] = result
            if is_awaitable(result):
                waiting.append(field.response_name)
    except Exception:
        if waiting:
            ex.settle_in_background([results[name] for name in waiting])
        raise
    if not waiting:
        return results
    return _gathered_fields(results, waiting)


async def _gathered_fields(results: dict[str, Any], waiting: list[str]) -> dict[str, Any]:
    if len(waiting) == 1:
        name = waiting[0]
        results[name] = await results[name]
    else:
        values = await gather_with_cancel(*(results[name] for name in waiting))
        results.update(zip(waiting, values, strict=True))
    return results


def execute_serially(ex: Executor, fields: list[Field], source: Any) -> Any:
    """graphql-core's `execute_fields_serially` (a mutation's root fields): each field is
    finished before the next one starts."""
    results: dict[str, Any] = {}
    for index, field in enumerate(fields):
        result = field.execute(ex, source, None)
        if ex.is_awaitable(result):
            return _serially_from(ex, fields, source, results, index, result)
        results[field.response_name] = result
    return results


async def _serially_from(
    ex: Executor,
    fields: list[Field],
    source: Any,
    results: dict[str, Any],
    index: int,
    pending: Awaitable[Any],
) -> dict[str, Any]:
    results[fields[index].response_name] = await pending
    for field in fields[index + 1 :]:
        result = field.execute(ex, source, None)
        results[field.response_name] = await result if ex.is_awaitable(result) else result
    return results
