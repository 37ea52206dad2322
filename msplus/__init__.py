"""Shared parts of the MS Plus assessment tool: typed records, errors, safe XML, the Junos configuration model."""

__version__ = "0.1.0"
