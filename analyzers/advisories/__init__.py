"""Advisory catalogs and exposure verdicts (PBNIR, PIIR).

catalog.py      the YAML schema (security advisories, bug notifications, problem reports), loading, validation
cve_import.py   Juniper CVE JSON 5 records -> catalog entries, with a summary (versions.py: version ranges,
                solutions.py: fixed releases in prose, conditions.py: configuration prose -> patterns,
                platforms.py + platforms.yaml: platform names -> model rules, impact.py + impacts.yaml)
match.py        verdicts per device and entry with evidence (configcheck.py: conditions on the effective config;
                devices.py: devices from a snapshot folder or a CSV), one computation per distinct profile
upgrade.py      the lowest release per train that clears every matched entry
cli.py          ``run_assessment.py catalog validate | import-cve | match``; report.py: its JSON and table output
"""
