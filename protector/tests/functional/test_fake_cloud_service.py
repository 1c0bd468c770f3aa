"""Fake clouds held by one process and used by another over loopback
(protector/cloud/fake/service.py), as the demo's sites use them."""

import subprocess
import sys
import textwrap
import types

import pytest

from protector import exception
from protector.cloud import exception as cloud_exc
from protector.cloud.fake import service
from protector.cloud.fake.cloud import FakeCloud

KEY = b"0123456789abcdef"


@pytest.fixture
def holder():
    clouds = {n: FakeCloud(n, build_time=0.01, power_time=0.01) for n in ("site-a", "site-b")}
    registry, server, address = service.serve(clouds, ("127.0.0.1", 0), KEY)
    yield clouds, registry, address
    server.stop_event.set()


def _site(name):
    return types.SimpleNamespace(name=name)


def test_calls_cross_and_errors_keep_their_class(holder):
    clouds, registry, address = holder
    cloud = service.RemoteProvider(address, KEY)(_site("site-a"), "p", None)
    sid = registry.seed("site-a", "seed_server", "db", volume_sizes=(1, 2))
    spec = cloud.compute.capture_server(sid)
    assert spec.name == "db" and len(spec.volumes) == 2
    # Data attributes are read once (the storage bridge reads volume.options).
    assert cloud.volume.options == clouds["site-a"].options and cloud.volume.site == "site-a"
    cloud.compute.stop_server(sid)
    assert clouds["site-a"].servers[sid].status in ("SHUTOFF", "ACTIVE")  # transition pending
    with pytest.raises(cloud_exc.CloudNotFound) as err:
        cloud.compute.capture_server("nope")
    assert err.value.kwargs["site"] == "site-a" and "nope" in str(err.value)
    # A policy error keeps its keyword-only constructor's message and hint.
    clouds["site-a"].deny_policy("volume_extension:volume_manage")
    with pytest.raises(cloud_exc.PolicyForbidden) as err:
        cloud.volume.manage_volume({"source-name": "x"}, "replicated", name="x")
    assert "volume_extension:volume_manage" in str(err.value)
    assert registry.count("site-a") == {"servers": 1, "volumes": 2, "networks": 1}


def test_a_stopped_site_is_unavailable_until_restored(holder):
    clouds, registry, address = holder
    provider = service.RemoteProvider(address, KEY)
    registry.down("site-b")
    with pytest.raises(cloud_exc.CloudUnavailable) as err:
        provider(_site("site-b"), "p", None).image.find_image("cirros")
    assert "site-b" in str(err.value)
    assert provider(_site("site-a"), "p", None).image.find_image("cirros")
    registry.down("site-b", False)
    assert provider(_site("site-b"), "p", None).image.find_image("cirros")


def test_wrong_key_and_no_holder_are_clear_errors(holder):
    _, _, address = holder
    with pytest.raises(Exception) as err:  # multiprocessing's AuthenticationError
        service.RemoteProvider(address, b"wrong")(_site("site-a"), "p", None) \
            .image.find_image("cirros")
    assert "digest" in str(err.value).lower() or "auth" in type(err.value).__name__.lower()
    with pytest.raises(cloud_exc.CloudUnavailable) as err:
        service.RemoteProvider(("127.0.0.1", 1), KEY)(_site("site-a"), "p", None) \
            .image.find_image("cirros")
    assert "does not answer" in str(err.value)


def test_another_process_acts_on_the_clouds(holder, tmp_path):
    clouds, registry, address = holder
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    conf = tmp_path / "p.conf"
    conf.write_text(f"[fake_cloud]\naddress = {address[0]}:{address[1]}\n"
                    f"authkey_file = {key_file}\n")
    code = textwrap.dedent(f"""
        import types
        from oslo_config import cfg
        from protector.conf import CONF
        from protector.cloud import base
        from protector.cloud.fake import service
        CONF(["--config-file", {str(conf)!r}], project="protector")
        assert service.install_from_config()
        cloud = base.admin_cloud_for(types.SimpleNamespace(name="site-b"))
        print(cloud.network.create_isolated_network("drill-net", "10.9.0.0/24").network_id)
        """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in {n.id for n in clouds["site-b"].networks.values()}


def test_protector_errors_pickle_whatever_their_constructor():
    import pickle
    err = cloud_exc.PolicyForbidden(action="volume_extension:volume_manage", site="site-b")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cloud_exc.PolicyForbidden and str(back) == str(err)
    assert back.code == 403 and back.action == err.action
    plain = pickle.loads(pickle.dumps(exception.Invalid(reason="bad")))
    assert str(plain) == "Invalid input: bad" and plain.kwargs == {"reason": "bad"}
