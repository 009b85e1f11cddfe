"""The embedded PostgreSQL survives what developers do to it: restarts and kill -9."""

import os
import signal
import time

import psutil
import psycopg
import pytest

from newsroom import localdb


@pytest.fixture
def data_dir(tmp_path):
    directory = tmp_path / "pg"
    yield directory
    localdb.stop(directory)


def test_a_second_start_reuses_the_data(data_dir):
    url = localdb.ensure_running(data_dir)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (x int)")
    assert localdb.stop(data_dir) is True
    assert localdb.is_running(data_dir) is False

    url = localdb.ensure_running(data_dir)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM kept").fetchone() == (0,)


def test_start_recovers_after_kill_9_of_every_server_process(data_dir):
    localdb.ensure_running(data_dir)
    postmaster = psutil.Process(int((data_dir / "postmaster.pid").read_text().split()[0]))
    processes = [postmaster, *postmaster.children(recursive=True)]
    for process in processes:
        process.send_signal(signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)
    deadline = time.monotonic() + 10
    while localdb.is_running(data_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (data_dir / "postmaster.pid").exists()  # left behind, as after kill -9

    url = localdb.ensure_running(data_dir)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)
    assert os.path.exists(data_dir / "postmaster.pid")


def test_a_replica_streams_the_primarys_writes_and_stops_with_it(data_dir):
    url = localdb.ensure_running(data_dir)
    replica_url = localdb.start_replica("t", primary_data_dir=data_dir)
    try:
        with psycopg.connect(url, autocommit=True) as primary:
            primary.execute("CREATE TABLE streamed (x int)")
            primary.execute("INSERT INTO streamed VALUES (7)")
        with psycopg.connect(replica_url, autocommit=True) as replica:
            deadline = time.monotonic() + 10
            while True:
                try:
                    assert replica.execute("SELECT x FROM streamed").fetchone() == (7,)
                    break
                except psycopg.errors.UndefinedTable:
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            assert replica.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        assert localdb.stop(data_dir) is True
        assert localdb.is_running(localdb.replica_data_dir("t", data_dir)) is False
    finally:
        localdb.stop_replica("t", primary_data_dir=data_dir)
