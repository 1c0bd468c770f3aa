"""Storage drivers, registered in the ``protector.storage.drivers`` namespace."""
