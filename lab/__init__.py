"""The simulated Junos lab: many simulated devices served over real SSH on loopback.

Unmodified PyEZ, napalm (junos driver) and netmiko (juniper_junos) talk to it as to real devices: NETCONF on
the ``netconf`` subsystem, a Junos-like CLI on the shell channel. Each device is a folder of real replies
(``lab/devices/<name>/``, see ``lab/devices/README.md``) plus an optional ``device.yaml`` (credentials, latency,
faults).

Entry points: ``lab.server`` (LabServer, SimDevice, load_device_folder), ``app.commands.lab`` (``run_assessment.py lab
serve``) and ``lab.testing`` (client environment and a raw NETCONF client for tests).
"""
