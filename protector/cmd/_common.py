"""Start-up shared by the console scripts: parse config, report errors in
one line (no traceback), set up logging."""

import sys

from oslo_config import cfg

from protector import config


def init(binary: str, argv: list[str] | None = None) -> None:
    try:
        config.parse_args(argv)
    except (cfg.ConfigFilesNotFoundError, cfg.ConfigFileParseError,
            cfg.ConfigFileValueError, cfg.RequiredOptError) as exc:
        sys.exit(f"{binary}: configuration error: {exc}")
    except cfg.Error as exc:
        sys.exit(f"{binary}: {exc}")
    config.setup_logging(binary)
    if config.CONF.fake_cloud.address:  # the demo only: no fake cloud import otherwise
        from protector.cloud.fake import service as fake_clouds
        try:
            fake_clouds.install_from_config()
        except (OSError, ValueError) as exc:
            sys.exit(f"{binary}: configuration error: [fake_cloud]: {exc}")
