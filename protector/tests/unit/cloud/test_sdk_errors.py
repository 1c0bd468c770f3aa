"""SDK and keystoneauth errors become protector's cloud errors."""

import pytest
import requests
from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as os_exc

from protector.cloud import exception as exc
from protector.cloud.sdk.errors import translate


def http(status: int, details: str) -> os_exc.HttpException:
    response = requests.Response()
    response.status_code = status
    return os_exc.HttpException(message=f"HTTP {status}", details=details, response=response)


def run(err: BaseException, **kw: str) -> exc.CloudError:
    args = {"site": "site-b", "service": "Cinder", "operation": "manage volume",
            "resource": "Volume", "resource_id": "v1", **kw}
    with pytest.raises(exc.CloudError) as caught, translate(**args):
        raise err
    return caught.value


def test_policy_403_names_the_rule_and_the_fix() -> None:
    err = run(http(403, "Policy doesn't allow volume_extension:volume_manage to be "
                        "performed."))
    assert isinstance(err, exc.PolicyForbidden) and err.code == 403
    text = str(err)
    assert text.startswith("Policy doesn't allow volume_extension:volume_manage to be "
                           "performed (site site-b).")
    assert "/etc/cinder/policy.yaml" in text and "volume_extension:volume_unmanage" in text


def test_403_without_rule_uses_the_callers_action() -> None:
    err = run(http(403, "Forbidden"), action="volume_extension:services:index")
    assert isinstance(err, exc.PolicyForbidden)
    assert err.action == "volume_extension:services:index"


@pytest.mark.parametrize("status, details", [
    (403, "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"),
    (413, "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded"),
    (409, "Quota exceeded for resources: ['port']."),
])
def test_quota(status: int, details: str) -> None:
    err = run(http(status, details))
    assert isinstance(err, exc.QuotaExceeded) and details in str(err)


@pytest.mark.parametrize("status, details, cls", [
    (404, "Volume v1 could not be found.", exc.CloudNotFound),
    (409, "Port is still in use", exc.CloudConflict),
    (400, "No valid backend was found.", exc.CapacityExceeded),
    (400, "Invalid input", exc.CloudRequestFailed),
    (503, "down", exc.CloudUnavailable),
    (500, "boom", exc.CloudUnavailable),
])
def test_status_codes(status: int, details: str, cls: type) -> None:
    err = run(http(status, details))
    assert type(err) is cls


def test_transient_flags() -> None:
    assert run(http(503, "x")).transient
    assert not run(http(400, "x")).transient


@pytest.mark.parametrize("err, cls", [
    (ks_exc.ConnectFailure("refused"), exc.CloudUnavailable),
    (ks_exc.ConnectTimeout("slow"), exc.CloudUnavailable),
    (ks_exc.EndpointNotFound("no volumev3"), exc.CloudRequestFailed),
    (ks_exc.Unauthorized("bad token"), exc.CloudRequestFailed),
])
def test_keystoneauth(err: BaseException, cls: type) -> None:
    assert type(run(err)) is cls


def test_cloud_errors_pass_through() -> None:
    original = exc.ImageNotFound(image="cirros")
    assert run(original) is original
