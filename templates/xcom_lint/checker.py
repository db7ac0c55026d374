"""Find XCom mistakes in DAG files without running them: one pass over each file's syntax tree.

Rules (codes as ruff and flake8 print them):

- XCL001 generic key: ``data``, ``output``, ``result``, ... tell a reader nothing.
- XCL002 key off the convention: keys must match ``key-pattern`` (default ``<noun>_v<N>``).
- XCL003 dangling pull: no task of the file pushes that key (a typo in the key or the task id).
- XCL004 push nobody pulls: no task of the file pulls the key (not even by template).
- XCL005 undeclared key: the file uses ``XComContract`` but does not declare this key.
- XCL006 secret-looking key: secrets do not belong in XCom; pass the connection or secret name.
- XCL007 XComs from a trigger: ``TaskSuccessEvent(xcoms=...)`` (and the other events that end a
  task in the triggerer) are stored by the server with ``XComModel.set``, past the configured XCom
  backend: no contract, size guard, encryption or offloading applies to them. Return the value
  from the task's ``execute_complete`` instead, where the worker's backend stores it.

Keys are understood as string literals or module-level string constants; ``task_ids`` as a
literal string or list. TaskFlow tasks (``@task`` functions, ``task_id=`` when given) count as
pushing ``return_value`` when they return a value; classic operators always may. Pulls in Jinja
strings (``{{ ti.xcom_pull(task_ids='a', key='k') }}``) count. A pull with ``dag_id=`` reads another
DAG, so XCL003 does not check it; ``trigger_run_id``, which ``TriggerDagRunOperator`` pushes, counts
as pushed by any classic operator. A pull whose key or task ids are not literals disables XCL004
for the file. ``# xcom-lint: ignore[XCL004]`` on a line silences it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_KEY_PATTERN = r"[a-z][a-z0-9]*(_[a-z0-9]+)*_v[0-9]+"
GENERIC_KEYS = {
    "data",
    "output",
    "outputs",
    "result",
    "results",
    "value",
    "values",
    "tmp",
    "temp",
    "info",
    "payload",
    "key",
    "x",
    "res",
    "out",
    "ret",
}
TASK_END_EVENTS = {"TaskSuccessEvent", "TaskFailedEvent", "TaskSkippedEvent", "BaseTaskEndEvent"}
SECRET_WORDS = ("token", "password", "passwd", "secret", "api_key", "apikey", "credential")
RETURN_KEY = "return_value"
AIRFLOW_KEYS = {RETURN_KEY, "skipmixin_key"}
# Keys Airflow's own operators push besides return_value (exempt from the naming rules).
OPERATOR_KEYS = {"trigger_run_id"}  # TriggerDagRunOperator: the run it started
JINJA_PULL = re.compile(
    r"xcom_pull\(\s*task_ids\s*=\s*['\"](?P<task>[^'\"]+)['\"]"
    r"(?:\s*,\s*key\s*=\s*['\"](?P<key>[^'\"]+)['\"])?"
)
IGNORE = re.compile(r"#\s*xcom-lint:\s*ignore\[([A-Z0-9, ]+)\]")


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Use:
    key: str | None  # None: not a literal
    task_ids: tuple[str, ...] | None  # pulls only; None: not a literal
    node: ast.AST
    other_dag: bool = False  # pulls only: ``dag_id=`` names a DAG, whose tasks are elsewhere


@dataclass
class FileFacts:
    constants: dict[str, str] = field(default_factory=dict)
    pushes: list[tuple[str | None, Use]] = field(default_factory=list)  # (task id, use)
    pulls: list[Use] = field(default_factory=list)
    tasks_returning: set[str] = field(default_factory=set)
    classic_tasks: set[str] = field(default_factory=set)
    contract_keys: set[str] = field(default_factory=set)
    uses_contracts: bool = False
    trigger_pushes: list[ast.AST] = field(default_factory=list)


def literal(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def task_ids_of(node: ast.AST | None, constants: dict[str, str]) -> tuple[str, ...] | None:
    if (single := literal(node, constants)) is not None:
        return (single,)
    if isinstance(node, (ast.List, ast.Tuple)):
        ids = [literal(e, constants) for e in node.elts]
        return None if None in ids else tuple(ids)  # type: ignore[arg-type]
    return None


def is_task_decorator(decorator: ast.AST) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):  # @task.branch, @task.sensor, ...
        if isinstance(target.value, ast.Name) and target.value.id == "task":
            return True
        target = target.value
    return isinstance(target, ast.Name) and target.id in {"task", "setup", "teardown"}


def collect(tree: ast.Module) -> FileFacts:
    facts = FileFacts()
    for node in tree.body:  # module-level string constants: KEY = "processed_count_v1"
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and (value := literal(node.value, {})) is not None:
                facts.constants[target.id] = value

    callables_of: dict[str, str] = {}  # python_callable name -> classic task id
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and keyword(node, "task_id") is not None:
            task_id = literal(keyword(node, "task_id"), facts.constants)
            if task_id and not is_task_decorator(node):
                facts.classic_tasks.add(task_id)
                if isinstance(callable_ := keyword(node, "python_callable"), ast.Name):
                    callables_of[callable_.id] = task_id
    task_of_function: dict[ast.AST, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if is_task_decorator(decorator):
                    explicit = (
                        literal(keyword(decorator, "task_id"), facts.constants)
                        if isinstance(decorator, ast.Call)
                        else None
                    )
                    task_of_function[node] = explicit or node.name
            if node.name in callables_of:
                task_of_function[node] = callables_of[node.name]

    for function, task_id in task_of_function.items():
        for node in ast.walk(function):
            returns_none = isinstance(node, ast.Return) and (
                node.value is None
                or (isinstance(node.value, ast.Constant) and node.value.value is None)
            )
            if isinstance(node, ast.Return) and not returns_none:
                facts.tasks_returning.add(task_id)
    owner = {
        id(inner): task_id
        for function, task_id in task_of_function.items()
        for inner in ast.walk(function)
    }

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", None)
            )
            if name == "xcom_push":
                key_node = keyword(node, "key") or (node.args[0] if node.args else None)
                facts.pushes.append(
                    (owner.get(id(node)), Use(literal(key_node, facts.constants), None, node))
                )
            elif name == "xcom_pull":
                key_node = keyword(node, "key")
                key = RETURN_KEY if key_node is None else literal(key_node, facts.constants)
                ids_node = keyword(node, "task_ids") or (node.args[0] if node.args else None)
                dag_node = keyword(node, "dag_id")
                other_dag = dag_node is not None and not (
                    isinstance(dag_node, ast.Constant) and dag_node.value is None
                )
                facts.pulls.append(
                    Use(key, task_ids_of(ids_node, facts.constants), node, other_dag)
                )
            elif name in TASK_END_EVENTS and keyword(node, "xcoms") is not None:
                facts.trigger_pushes.append(keyword(node, "xcoms"))
            elif name == "XComContract":
                facts.uses_contracts = True
                if (key := literal(keyword(node, "key"), facts.constants)) is not None:
                    facts.contract_keys.add(key)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "output"
            and (key := literal(node.slice, facts.constants)) is not None
        ):  # operator.output["key"]: an XComArg pull of a named key from that operator
            facts.pulls.append(Use(key, None, node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in JINJA_PULL.finditer(node.value):
                key = match["key"] or RETURN_KEY
                facts.pulls.append(Use(key, (match["task"],), node))
    return facts


def check_source(source: str, path: str, key_pattern: str = DEFAULT_KEY_PATTERN) -> list[Finding]:
    """Every finding in one file's source; a file that does not parse is reported as XCL000."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        return [
            Finding(
                path,
                error.lineno or 1,
                error.offset or 0,
                "XCL000",
                f"cannot be parsed: {error.msg}",
            )
        ]
    facts = collect(tree)
    pattern = re.compile(key_pattern)
    ignored = {
        number: {code.strip() for code in match[1].split(",")}
        for number, line in enumerate(source.splitlines(), start=1)
        if (match := IGNORE.search(line))
    }
    findings: list[Finding] = []

    def report(node: ast.AST, code: str, message: str) -> None:
        line = getattr(node, "lineno", 1)
        if code not in ignored.get(line, set()):
            findings.append(Finding(path, line, getattr(node, "col_offset", 0) + 1, code, message))

    def check_name(key: str, node: ast.AST) -> None:
        if key in AIRFLOW_KEYS:
            return
        if key.lower() in GENERIC_KEYS:
            report(
                node,
                "XCL001",
                f"generic key {key!r}: name what the value is, e.g. 'processed_customer_count_v1'",
            )
        elif not pattern.fullmatch(key):
            report(node, "XCL002", f"key {key!r} does not match the key pattern {key_pattern!r}")
        if any(word in key.lower() for word in SECRET_WORDS):
            report(
                node,
                "XCL006",
                f"key {key!r} looks like a secret: XCom values are stored in "
                "plain text; pass the connection or secret name",
            )
        if facts.uses_contracts and key not in facts.contract_keys:
            report(node, "XCL005", f"key {key!r} is not declared in this file's XComContracts")

    for node in facts.trigger_pushes:
        report(
            node,
            "XCL007",
            "XComs of a trigger event are stored by the server past the XCom "
            "backend (no contract, encryption or offloading): return the "
            "value from execute_complete instead",
        )
    pushed = {(task, use.key) for task, use in facts.pushes}
    pushed |= {(task, RETURN_KEY) for task in facts.tasks_returning | facts.classic_tasks}
    for _, use in facts.pushes:
        if use.key is not None:
            check_name(use.key, use.node)
    for use in facts.pulls:
        if use.key is None or use.task_ids is None:
            continue  # not literal, or an XComArg subscript (its producer is wired, not named)
        if use.key not in AIRFLOW_KEYS | OPERATOR_KEYS:
            check_name(use.key, use.node)
        if use.other_dag:
            continue  # another DAG's tasks are not in this file
        for task_id in use.task_ids:
            if use.key in OPERATOR_KEYS and task_id in facts.classic_tasks:
                continue  # pushed by the operator itself
            if (task_id, use.key) not in pushed:
                report(
                    use.node,
                    "XCL003",
                    f"pull of key {use.key!r} from task {task_id!r}, "
                    "which no task in this file pushes",
                )
    if all(use.key is not None for use in facts.pulls):
        pulled = {(t, use.key) for use in facts.pulls for t in use.task_ids or ()}
        pulled_from_anyone = {use.key for use in facts.pulls if use.task_ids is None}
        for task, use in facts.pushes:
            if use.key is None or use.key in pulled_from_anyone:
                continue
            if (task, use.key) not in pulled:
                report(
                    use.node, "XCL004", f"push of key {use.key!r} that no task in this file pulls"
                )
    return sorted(findings)


def python_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def lint_paths(paths: list[Path | str], key_pattern: str = DEFAULT_KEY_PATTERN) -> list[Finding]:
    """Every finding in the Python files under ``paths`` (for use from a test suite)."""
    findings: list[Finding] = []
    for file in python_files([Path(p) for p in paths]):
        try:
            source = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            findings.append(
                Finding(
                    str(file),
                    1,
                    0,
                    "XCL000",
                    f"cannot be read as UTF-8 (byte "
                    f"{error.start}: {error.reason}); save the file as UTF-8, as "
                    "Airflow's DAG processor reads it",
                )
            )
            continue
        findings += check_source(source, str(file), key_pattern)
    return findings
