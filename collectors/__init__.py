"""Collectors: pull facts, configuration and health data from devices (or customer files) into snapshots.

``base`` holds the contract and the registry, ``plan`` the validated collection plan, one small module per driver
(``pyez_collector``, ``netmiko_collector``, ``napalm_collector``, ``offline``), ``snapshot`` the on-disk format and
``run`` the thread pool behind ``run_assessment.py collect``.
"""
