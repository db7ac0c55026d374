"""A real Airflow deployment on 127.0.0.1, in the shape users run: one module starts and stops it.

    python -m tests.harness.deployment [--profile NAME]      (what ``./dev cluster`` runs)

Components, each a separate process group with its own environment and log file:

- PostgreSQL (Debian ``postgresql``): ``initdb`` into a throwaway folder, its own port, the
  metadata DB and the Celery result backend;
- Redis (Debian ``redis-server``): the Celery broker;
- ``airflow api-server``, ``scheduler``, ``dag-processor``, ``triggerer``;
- two Celery workers on different queues (``WORKER_QUEUES``): ``default`` and ``tenant_b`` on
  one, ``tenant_a`` on the other, so a task's ``queue=`` picks the process (and the secrets) it
  runs with.

``LocalDeployment`` is a context manager: ``start()`` waits until every component is healthy
(the API server's health endpoint for the scheduler, DAG processor and triggerer; a Celery ping
for each worker) and raises ``ComponentDidNotStart`` naming the component, with the end of its
log, when one does not come up in time. ``stop()`` ends every process group and checks that its
ports are free again. Logs are kept (and their folder printed) when the block raised.
Everything here is a throwaway: PostgreSQL runs without fsync; never point it at real data.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness.environment import (
    DAGS_FOLDER,
    REPO_ROOT,
    airflow_environment,
    environment_without_airflow,
)
from tests.harness.rest_api import AirflowApi
from tests.harness.storage_servers import free_port

# Queue names -> the worker that consumes them. A task without ``queue=`` goes to ``default``.
WORKER_QUEUES = {
    "worker-default": ("default", "tenant_b"),
    "worker-tenant-a": ("tenant_a",),
}
USERNAME = "admin"
DEBIAN_PACKAGES = {"postgresql": "PostgreSQL", "redis-server": "Redis"}


class ComponentDidNotStart(RuntimeError):
    """A component exited or did not report healthy in time; the message names it."""


class MissingProgram(RuntimeError):
    """A server program is not installed; the message says which Debian package has it."""


def postgres_program(name: str) -> str:
    """``initdb``/``postgres`` of the newest PostgreSQL Debian installed (not on PATH there)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_of_path)
    if found:
        return found[-1]
    if shutil.which(name):
        return shutil.which(name)
    raise MissingProgram(f"{name} not found: apt-get install postgresql")


def runuser() -> str:
    """util-linux's ``runuser``: in /usr/sbin, which a minimal PATH (CI's) may not hold."""
    found = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if found is None:
        raise MissingProgram("runuser not found (util-linux): PostgreSQL cannot run as root")
    return found


def _version_of_path(path: str) -> int:
    return int(Path(path).parents[1].name.split(".")[0])


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} was not written)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Component:
    """One process group of the deployment."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    ports: tuple[int, ...] = ()
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ComponentDidNotStart(
                f"{self.name} exited (code {code}) while the deployment started. "
                f"End of {self.log}:\n{tail(self.log)}"
            )

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def wait_stopped(self, timeout_s: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            print(f"{self.name} ignored SIGTERM: SIGKILL", file=sys.stderr, flush=True)
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        # Children that outlived their leader (forked task processes) share the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def wait_until(what: str, check, timeout_s: float, components: list[Component]) -> None:
    """Poll ``check()`` (True when ready) while every component keeps running."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        for component in components:
            component.check_running()
        try:
            if check():
                return
        except Exception as error:  # not up yet: connection refused, 503, ...
            last_error = error
        time.sleep(0.5)
    raise ComponentDidNotStart(f"{what} within {timeout_s} s (last error: {last_error})")


@dataclass
class LocalDeployment:
    """PostgreSQL + Redis + Airflow (CeleryExecutor) on 127.0.0.1; see the module docstring.

    ``env`` is added to every Airflow component (the XCom backend and its options);
    ``worker_env`` adds per-worker variables (a tenant's private key on its own worker only).
    """

    env: dict[str, str] = field(default_factory=dict)
    worker_env: dict[str, dict[str, str]] = field(default_factory=dict)
    dags_folder: Path = DAGS_FOLDER
    extra_bundles: dict[str, Path] = field(default_factory=dict)
    """More DAG folders, each a local DAG bundle of its own (name -> folder)."""
    worker_concurrency: int = 4
    database: str = "postgresql"
    """``postgresql`` (with Redis and the Celery workers), or ``sqlite``: Airflow's SQLite file
    and the scheduler's LocalExecutor, the shape of ``airflow standalone``."""
    components: list[Component] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="xcom-cookbook-deployment-"))
        self.logs = self.home / "component-logs"
        self.logs.mkdir()
        self.postgres_port = free_port()
        self.redis_port = free_port()
        self.api_port = free_port()
        self.url = f"http://127.0.0.1:{self.api_port}"
        self.password = secrets.token_urlsafe(12)
        self.keep_logs = False

    # -- configuration ---------------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.home / 'airflow' / 'airflow.db'}"
        return f"postgresql+psycopg2://airflow@127.0.0.1:{self.postgres_port}/airflow"

    @property
    def celery(self) -> bool:
        return self.database != "sqlite"

    def executor_env(self) -> dict[str, str]:
        if not self.celery:
            return {"AIRFLOW__CORE__EXECUTOR": "LocalExecutor"}
        return {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + self.database_url,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.worker_concurrency),
            # Celery's own default, said aloud (the provider warns when it is not set).
            "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "86400",
        }

    def airflow_env(self) -> dict[str, str]:
        """What every Airflow component of this deployment shares."""
        passwords = self.home / "simple_auth_manager_passwords.json"
        return (
            environment_without_airflow("COOKBOOK_")
            | airflow_environment(self.home / "airflow", self.dags_folder)
            | {
                "PYTHONPATH": str(REPO_ROOT / "templates"),
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.database_url,
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": "default",
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(self.api_port),
                "AIRFLOW__API__BASE_URL": self.url,
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
                "AIRFLOW__API_AUTH__JWT_SECRET": "throwaway-deployment-jwt-secret",
                "AIRFLOW__API__SECRET_KEY": "throwaway-deployment-secret-key",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USERNAME}:admin",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(self.bundles()),
            }
            | self.executor_env()
            | self.env
        )

    def bundles(self) -> list[dict]:
        local = "airflow.dag_processing.bundles.local.LocalDagBundle"
        folders = {"dags-folder": self.dags_folder, **self.extra_bundles}
        return [
            {"name": name, "classpath": local, "kwargs": {"path": str(folder)}}
            for name, folder in folders.items()
        ]

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout_s: float = 240) -> None:
        if self.celery:
            self._start_postgres(timeout_s)
            self._start_redis(timeout_s)
        base = self.airflow_env()
        (self.home / "simple_auth_manager_passwords.json").write_text(
            json.dumps({USERNAME: self.password})
        )
        self._airflow("db", "migrate", env=base)
        airflow = [str(Path(sys.executable).parent / "airflow")]
        serving = [
            ("api-server", ["api-server", "--port", str(self.api_port), "--host", "127.0.0.1"]),
            ("scheduler", ["scheduler"]),
            ("dag-processor", ["dag-processor"]),
            ("triggerer", ["triggerer"]),
        ]
        for name, arguments in serving:
            log_port = free_port()
            env = base | {
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(log_port),
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_port),
            }
            ports = (self.api_port,) if name == "api-server" else ()
            self._add(name, airflow + arguments, env, ports)
        for worker, queues in WORKER_QUEUES.items() if self.celery else ():
            log_port = free_port()
            env = base | {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_port)}
            env |= self.worker_env.get(worker, {})
            arguments = ["celery", "worker", "--queues", ",".join(queues)]
            arguments += ["--celery-hostname", f"{worker}@127.0.0.1"]
            self._add(worker, airflow + arguments, env, (log_port,))
        self._wait_healthy(timeout_s)

    def _add(self, name: str, command: list[str], env: dict, ports: tuple[int, ...] = ()) -> None:
        component = Component(name, command, env, self.logs / f"{name}.log", ports)
        component.start()
        self.components.append(component)

    def _start_postgres(self, timeout_s: float) -> None:
        data = self.home / "postgres"
        data.mkdir()
        as_postgres = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as Debian's user.
            shutil.chown(self.home, "postgres")
            shutil.chown(data, "postgres")
            shutil.chown(self.logs, "postgres")
            as_postgres = [runuser(), "-u", "postgres", "--"]
        initdb = [postgres_program("initdb"), "-D", str(data), "-U", "airflow", "--auth=trust"]
        done = subprocess.run(as_postgres + initdb, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ComponentDidNotStart(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        server = [postgres_program("postgres"), "-D", str(data), "-p", str(self.postgres_port)]
        server += ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]
        server += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=300"]
        self._add("postgresql", as_postgres + server, dict(os.environ), (self.postgres_port,))
        wait_until(
            f"PostgreSQL did not accept connections on port {self.postgres_port}",
            self._create_airflow_database,
            timeout_s,
            self.components,
        )

    def _create_airflow_database(self) -> bool:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.postgres_port, user="airflow", dbname="postgres"
        ) as connection:
            connection.autocommit = True
            connection.execute("CREATE DATABASE airflow")
        return True

    def _start_redis(self, timeout_s: float) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise MissingProgram("redis-server not found: apt-get install redis-server")
        command = [program, "--bind", "127.0.0.1", "--port", str(self.redis_port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.home)]
        self._add("redis", command, dict(os.environ), (self.redis_port,))
        wait_until(
            f"Redis did not answer PING on port {self.redis_port}",
            self._redis_answers,
            timeout_s,
            self.components,
        )

    def _redis_answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    def _airflow(self, *arguments: str, env: dict[str, str]) -> str:
        """Run one ``airflow`` CLI command with the deployment's settings; its output."""
        command = [str(Path(sys.executable).parent / "airflow"), *arguments]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ComponentDidNotStart(
                f"`airflow {' '.join(arguments)}` failed:\n{done.stdout[-3000:]}\n"
                f"{done.stderr[-3000:]}"
            )
        return done.stdout

    def _wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        anonymous = AirflowApi(self.url)
        for part in ("metadatabase", "scheduler", "dag_processor", "triggerer"):

            def healthy(part: str = part) -> bool:
                return anonymous.call("GET", "/api/v2/monitor/health")[part]["status"] == "healthy"

            remaining = max(deadline - time.monotonic(), 1)
            try:
                wait_until(f"{part} is not healthy", healthy, remaining, self.components)
            except ComponentDidNotStart as error:
                raise ComponentDidNotStart(f"{error}\n{self.log_hint(part)}") from None
        missing = self.celery and self.unanswered_workers(max(deadline - time.monotonic(), 5))
        if missing:
            raise ComponentDidNotStart(
                f"Celery worker(s) {missing} did not answer a ping within {timeout_s} s\n"
                + "\n".join(self.log_hint(name) for name in missing)
            )

    def unanswered_workers(self, timeout_s: float, workers: tuple[str, ...] = ()) -> list[str]:
        """The workers (all of ``WORKER_QUEUES`` by default) that do not answer a Celery ping."""
        workers = workers or tuple(WORKER_QUEUES)
        script = (
            "import json, sys, time\n"
            "from airflow.providers.celery.executors.celery_executor_utils import app\n"
            "wanted = set(sys.argv[2:])\n"
            "deadline = time.monotonic() + float(sys.argv[1])\n"
            "while time.monotonic() < deadline and wanted:\n"
            "    for answer in app.control.ping(timeout=1) or []:\n"
            "        for hostname in answer:\n"
            "            wanted.discard(hostname.split('@')[0])\n"
            "print(json.dumps(sorted(wanted)))\n"
        )
        arguments = [sys.executable, "-c", script, str(timeout_s), *workers]
        done = subprocess.run(
            arguments, env=self.airflow_env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            return list(workers)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def kill(self, name: str) -> None:
        """SIGKILL a component's whole process group, as a lost machine would end it."""
        component = self.component(name)
        component.signal(signal.SIGKILL)
        component.wait_stopped(timeout_s=30)

    def restart(self, name: str, timeout_s: float = 120) -> None:
        """Start a killed component again with the same command and environment."""
        component = self.component(name)
        component.start()
        if name in WORKER_QUEUES and self.unanswered_workers(timeout_s, (name,)):
            raise ComponentDidNotStart(
                f"{name} did not answer a ping after its restart\n{self.log_hint(name)}"
            )

    def peak_memory_bytes(self, name: str) -> int:
        """The highest peak resident memory (VmHWM) of any live process of a component's group."""
        group = self.component(name).process.pid
        peaks = [0]
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError, ValueError):
                if os.getpgid(int(status.parent.name)) != group:
                    continue
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) * 1024)
        return max(peaks)

    def component(self, name: str) -> Component:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(f"No component {name!r}; running: {[c.name for c in self.components]}")

    def log_hint(self, part: str) -> str:
        name = part.replace("_", "-")
        log = self.logs / f"{name}.log"
        return f"End of {log}:\n{tail(log)}" if log.exists() else ""

    def stop(self, grace_s: float = 30) -> None:
        """SIGTERM every component at once; whatever still runs after one shared grace period
        (not one per component: on a busy machine several may be slow) is SIGKILLed."""
        for component in reversed(self.components):
            component.signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for component in reversed(self.components):
            component.wait_stopped(timeout_s=max(0.1, deadline - time.monotonic()))
        busy = [f"{c.name}:{p}" for c in self.components for p in c.ports if not port_is_free(p)]
        self.components.clear()
        if self.keep_logs:
            print(f"Deployment logs kept in {self.logs}", file=sys.stderr)
        else:
            shutil.rmtree(self.home, ignore_errors=True)
        if busy:
            raise RuntimeError(f"Ports still in use after the deployment stopped: {busy}")

    def api(self) -> AirflowApi:
        return AirflowApi.login(self.url, USERNAME, self.password)

    def __enter__(self) -> LocalDeployment:
        try:
            self.start()
        except BaseException:
            self.keep_logs = True
            self.stop()
            raise
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is not None:
            self.keep_logs = True
        self.stop()


def deploy_profile(profile, stack: contextlib.ExitStack) -> LocalDeployment:
    """A running deployment with a backend profile's settings and its store (a local folder or
    the store's stand-in server); everything is stopped and removed when ``stack`` closes."""
    from tests.harness.backend_profiles import local_store_url
    from tests.harness.storage_servers import connection_env_name, start_server

    store_url, env = None, {}
    if profile.store == "local":
        store_url = local_store_url(Path(tempfile.mkdtemp(prefix="xcom-cookbook-store-")))
        stack.callback(shutil.rmtree, store_url.removeprefix("file://"), True)
    elif profile.store:
        server = start_server(profile.store)
        stack.callback(server.stop)
        store_url = server.base_url
        env[connection_env_name(profile.store)] = os.environ[connection_env_name(profile.store)]
    env |= profile.environment(store_url)
    return stack.enter_context(LocalDeployment(env=env))


def main() -> None:
    from tests.harness.backend_profiles import PROFILES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default", choices=sorted(PROFILES))
    profile = PROFILES[parser.parse_args().profile]
    with contextlib.ExitStack() as stack:
        print("Starting PostgreSQL, Redis and Airflow (CeleryExecutor)...", flush=True)
        deployment = deploy_profile(profile, stack)
        print(
            f"\nAirflow UI: {deployment.url}\n"
            f"User: {USERNAME}  Password: {deployment.password}\n"
            f"XCom backend profile: {profile.name}\n"
            f"Workers: "
            + ", ".join(f"{w} (queues {', '.join(q)})" for w, q in WORKER_QUEUES.items())
            + "\nEvery recipe under dags/ is loaded, paused. Ctrl-C stops everything.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                signal.pause()
        print("\nStopping...", flush=True)
    print("Stopped.", flush=True)


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)  # `kill` stops it as cleanly as Ctrl-C
    # Python leaves SIGINT ignored when it starts that way (a background job of a script): then
    # Ctrl-C, or a test's SIGINT, would never reach the loop above.
    signal.signal(signal.SIGINT, interrupt)
    main()
