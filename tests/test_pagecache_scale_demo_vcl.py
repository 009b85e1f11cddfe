"""`make scale-demo`'s Varnish configuration: the committed VCL with a round-robin
director over the nodes in place of its one backend (bench/scale_demo.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from django.conf import settings

from .test_pagecache_varnish import VARNISHD, require_varnish


@pytest.fixture(scope="module")
def scale_demo():
    bench = str(settings.BASE_DIR / "bench")
    sys.path.insert(0, bench)
    try:
        yield importlib.import_module("scale_demo")
    finally:
        sys.path.remove(bench)


def test_generated_vcl_balances_over_every_node_and_keeps_the_committed_rules(scale_demo):
    vcl = scale_demo.varnish_vcl([8101, 8102])
    assert "backend default" not in vcl
    assert '.port = "8101"' in vcl and '.port = "8102"' in vcl
    assert "nodes.add_backend(node1);" in vcl and "nodes.add_backend(node2);" in vcl
    # The director is chosen before the committed vcl_recv returns (subs run in order).
    assert vcl.index("set req.backend_hint = nodes.backend();") < vcl.index("xkey.purge")
    assert "if (req.http.Cookie || req.http.Authorization)" in vcl  # the pin cookie passes


def test_generated_vcl_compiles(scale_demo, tmp_path):
    require_varnish()
    path = tmp_path / "scale.vcl"
    path.write_text(scale_demo.varnish_vcl([8101, 8102]))
    result = subprocess.run(  # noqa: S603 - our own varnishd
        [VARNISHD, "-C", "-j", "none", "-f", str(path), "-n", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
