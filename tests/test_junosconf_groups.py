"""Groups and the effective view: inheritance order, apply-groups-except, wildcards, inactive statements."""

from __future__ import annotations

from msplus.junosconf import parse_text

CONFIG = """version 21.4R3.15;
groups {
    global {
        system {
            host-name from-group;
            domain-name global.example;
            ntp {
                server 192.0.2.1;
            }
        }
        interfaces {
            <ge-*> {
                mtu 9192;
                description "from global";
            }
        }
    }
    site {
        system {
            domain-name site.example;
            time-zone UTC;
        }
        interfaces {
            <*> {
                unit <*> {
                    family inet {
                        no-redirects;
                    }
                }
            }
        }
    }
    never {
        system {
            location attic;
        }
    }
}
apply-groups [ global site ];
system {
    host-name r1;
    ntp {
        server 192.0.2.2;
    }
}
interfaces {
    ge-0/0/0 {
        description local;
        unit 0 {
            family inet {
                address 10.0.0.1/24;
            }
        }
    }
    ge-0/0/1 {
        apply-groups-except global;
        unit 0 {
            family inet {
                address 10.0.1.1/24;
            }
        }
    }
    xe-0/0/0 {
        unit 0;
    }
}
"""


def effective_set(text: str) -> list[str]:
    return parse_text(text, source="g.conf").effective().to_set().splitlines()


def test_as_written_view_keeps_groups_and_apply_groups() -> None:
    lines = parse_text(CONFIG).to_set().splitlines()
    assert "set groups global interfaces <ge-*> mtu 9192" in lines
    assert lines.count("set apply-groups global") == 1 and "set apply-groups site" in lines


def test_effective_view_drops_groups_and_apply_groups_statements() -> None:
    lines = effective_set(CONFIG)
    assert not any(line.startswith(("set groups", "set apply-groups")) for line in lines)
    assert not any("apply-groups" in line for line in lines)


def test_local_statements_win_over_inherited_ones() -> None:
    tree = parse_text(CONFIG).effective()
    assert tree.get("system host-name") == "r1"
    assert tree.values("interfaces ge-0/0/0 description") == ["local"]


def test_earlier_group_wins_on_conflict_and_later_groups_still_add() -> None:
    tree = parse_text(CONFIG).effective()
    assert tree.values("system domain-name") == ["global.example"]
    assert tree.get("system time-zone") == "UTC"


def test_lists_merge_local_values_first() -> None:
    tree = parse_text(CONFIG).effective()
    assert tree.values("system ntp server") == ["192.0.2.2", "192.0.2.1"]


def test_wildcard_groups_apply_to_matching_names_only() -> None:
    lines = effective_set(CONFIG)
    assert "set interfaces ge-0/0/0 mtu 9192" in lines
    assert "set interfaces xe-0/0/0 mtu 9192" not in lines  # <ge-*> does not match xe-
    assert "set interfaces xe-0/0/0 unit 0 family inet no-redirects" in lines  # <*> unit <*> does
    assert "set interfaces ge-0/0/0 unit 0 family inet no-redirects" in lines
    assert not any("<" in line for line in lines)  # wildcards create nothing of their own


def test_apply_groups_except_stops_inheritance_below() -> None:
    lines = effective_set(CONFIG)
    assert not any(line.startswith("set interfaces ge-0/0/1 mtu") for line in lines)  # global excluded there
    assert "set interfaces ge-0/0/1 unit 0 family inet no-redirects" in lines  # site still applies


def test_unapplied_group_contributes_nothing() -> None:
    assert not any("location attic" in line for line in effective_set(CONFIG))


def test_inherited_nodes_remember_group_and_line() -> None:
    tree = parse_text(CONFIG, source="g.conf").effective()
    mtu = tree.find("interfaces ge-0/0/0 mtu")
    assert mtu is not None and mtu.group == "global"
    assert mtu.line == 13 and CONFIG.splitlines()[12].strip() == "mtu 9192;"
    assert mtu.where == "g.conf:13 (group global)"
    local = tree.find("interfaces ge-0/0/0 unit 0 family inet address")
    assert local is not None and local.group is None
    assert local.line == CONFIG.splitlines().index("                address 10.0.0.1/24;") + 1


def test_apply_groups_at_a_deeper_level_inherits_the_group_at_that_path() -> None:
    text = """groups {
    bgp-defaults {
        protocols {
            bgp {
                group <*> {
                    hold-time 30;
                }
            }
        }
    }
    pe {
        protocols {
            bgp {
                group core {
                    type internal;
                    hold-time 90;
                }
            }
        }
    }
}
protocols {
    bgp {
        group core {
            apply-groups [ pe bgp-defaults ];
            neighbor 10.0.0.1;
        }
        group edge {
            type external;
        }
    }
}
"""
    lines = effective_set(text)
    assert lines == [
        "set protocols bgp group core neighbor 10.0.0.1",
        "set protocols bgp group core type internal",
        "set protocols bgp group core hold-time 90",
        "set protocols bgp group edge type external",
    ]


def test_deeper_apply_groups_win_over_top_level_ones() -> None:
    text = """groups {
    top {
        interfaces {
            <*> {
                mtu 1500;
            }
        }
    }
    jumbo {
        interfaces {
            <*> {
                mtu 9192;
            }
        }
    }
}
apply-groups top;
interfaces {
    ge-0/0/0 {
        apply-groups jumbo;
    }
    ge-0/0/1 {
        description plain;
    }
}
"""
    tree = parse_text(text).effective()
    assert tree.values("interfaces ge-0/0/0 mtu") == ["9192"]
    assert tree.values("interfaces ge-0/0/1 mtu") == ["1500"]


def test_inactive_statements_and_their_subtrees_are_left_out() -> None:
    text = """groups {
    g {
        system {
            inactive: location attic;
            contact ops;
        }
    }
}
inactive: apply-groups other;
apply-groups g;
system {
    host-name r1;
    inactive: services {
        ssh;
    }
}
inactive: snmp {
    community public;
}
"""
    assert effective_set(text) == ["set system host-name r1", "set system contact ops"]
    as_written = parse_text(text).to_set()
    assert "deactivate system services" in as_written and "deactivate snmp" in as_written


def test_undefined_group_is_reported() -> None:
    tree = parse_text("apply-groups [ missing ];\nsystem {\n    host-name r1;\n}\n", source="u.conf").effective()
    assert tree.warnings == ["u.conf:1: apply-groups names undefined group 'missing'"]
    assert tree.to_set() == "set system host-name r1\n"


def test_effective_view_is_a_copy() -> None:
    tree = parse_text(CONFIG)
    before = tree.to_set()
    tree.effective()
    assert tree.to_set() == before
