"""Every command is registered under both prefixes and has working --help."""

import json

from protectorclient.tests.conftest import CLI

DR_VERBS = ("test-failover", "test-cleanup", "failover", "failback", "reprotect")
NOUN_VERBS = {
    "site": ("create", "list", "show", "set", "delete", "validate", "list-volume-types"),
    "tenant mapping": ("create", "list", "show", "set", "delete"),
    "protection-group": ("create", "list", "show", "set", "delete", "sync-status",
                         "sync-force", *DR_VERBS),
    "member": ("add", "remove", "list", "show", "set"),
    "policy": ("create", "show", "set", "delete"),
    "operation": ("list", "show"),
}
COMMANDS = [f"{prefix} {noun} {verb}" for prefix in ("protector", "dr")
            for noun, verbs in NOUN_VERBS.items() for verb in verbs]
COMMANDS += [f"dr {verb}" for verb in DR_VERBS]  # the short forms: dr failover <pg>


def test_every_command_is_registered(cli: CLI) -> None:
    out = cli.run("command", "list", "--group", "openstack.protector", "-f", "json",
                  cloud=None)
    groups = json.loads(out.stdout)
    assert [g["Command Group"] for g in groups] == ["openstack.protector.v1"]
    assert sorted(groups[0]["Commands"]) == sorted(COMMANDS)


def test_help_of_every_command(cli: CLI) -> None:
    """All the --help pages from one interactive ``openstack`` session (cliff's
    interactive mode ends with status 1 and blank lines on stderr at EOF)."""
    script = "".join(f"{name} --help\n" for name in COMMANDS)
    proc = cli.run(stdin=script, cloud=None, ok=None, env={"OS_CLOUD": "site-a"})
    assert proc.stderr.strip() == ""
    out = proc.stdout
    for name in COMMANDS:
        assert f"usage: {name} [-h]" in out, name
    assert out.count("This command is provided by the openstack-protector plugin.") == len(
        COMMANDS)


def test_help_one_shot(cli: CLI) -> None:
    site, mapping, pg = cli.run_many([
        ("protector", "site", "create", "--help"),
        ("dr", "tenant", "mapping", "create", "--help"),
        ("protector", "protection-group", "create", "--help")], cloud=None)
    assert "usage: openstack protector site create" in site.stdout
    for option in ("--name", "--description", "--site-type", "--auth-url", "--region-name"):
        assert option in site.stdout
    assert "usage: openstack dr tenant mapping create" in mapping.stdout
    for option in ("--local-tenant", "--remote-site", "--remote-tenant", "--description"):
        assert option in mapping.stdout
    for option in ("--replication-type", "--volume-type", "--primary-site",
                   "--secondary-site", "--network-mapping", "--flavor-mapping"):
        assert option in pg.stdout
