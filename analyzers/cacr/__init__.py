"""CACR: configuration analysis against best practice, and review of proposed changes (issue 5).

    rules.py       the rule-file schema (catalogs/cacr-rules.yaml), loading with file/line/rule/key errors
    patterns.py    hierarchy patterns (``protocols bgp group <*> neighbor <*>``) over the configuration model
    checks.py      named checks for what a pattern cannot say, in a registry that refuses duplicates
    references.py  where policies, prefix lists and filters are defined and used (data/references.yaml)
    context.py     what rules run against: the effective configuration, device facts, evidence lines
    engine.py      evaluating rules: applicability, findings with evidence and remediation
    review.py      change review: diff, introduced/resolved findings, lock-out and routing risks
    cli.py         ``run_assessment.py config check`` and ``config review``
"""
