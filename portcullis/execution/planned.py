"""The executor of the service: a compiled plan when the operation has one, graphql-core's
own executor otherwise (portcullis/execution/compile.py says what a plan does not cover).

A request runs wholly one way or the other. PORTCULLIS_EXECUTOR=graphql-core (Settings.executor)
runs every request through graphql-core: to compare the two (tests/execution/test_differential.py
does,
on every document the suite sends) or to rule the plan out when something looks wrong.
"""

from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from portcullis.execution.compile import Plan, plan_for
from portcullis.execution.plan import execute_fields, execute_serially


class PlanExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor (its resolve info, its results), with the operation run by its
    plan. Not when a schema extension wraps every resolver (middleware: it must see every
    field), an abort signal is set, or error propagation is switched off by a directive."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = self._plan() if serially is None else None
        if plan is None:
            return super().execute_operation(serially)
        return self._run(plan)

    def _plan(self) -> Plan | None:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None
        if self.abort_signal is not None or not self.error_propagation:
            return None
        return plan_for(self)

    def _run(self, plan: Plan) -> Any:
        """graphql-core's `execute_operation` around the plan's root fields."""
        try:
            if plan.serial:
                result = execute_serially(self, plan.fields, self.root_value)
            else:
                result = execute_fields(self, plan.fields, self.root_value, None)
            if self.is_awaitable(result):
                return self._finished(result)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
        return self.build_response(result)

    async def _finished(self, result: Any) -> ExecutionResult:
        try:
            data = await result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)  # type: ignore[return-value]
        return self.build_response(data)  # type: ignore[return-value]


class GraphQLCoreExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor as strawberry runs it: every request, every field."""


EXECUTORS: dict[str, type[StrawberryGraphQLCoreExecutionContext]] = {
    "plan": PlanExecutor,
    "graphql-core": GraphQLCoreExecutor,
}
