"""Python API client and OpenStackClient plugin for the protector DR service.

The client talks to the protector REST API only; it never imports the
server package (``protector``).
"""
