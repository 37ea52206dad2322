"""The Junos configuration model shared by the lab simulator, the offline collector, advisory conditions and
best-practice rules.

One tree (ConfigTree of Node) whatever the input form: curly text, set lines or XML; written back in any of the
three. ``tree.effective()`` inherits groups and leaves inactive statements out; every node knows its source line.

    tree = parse(text_or_bytes, source="r1.conf")      # or load(path) for a file or snapshot folder
    tree.find("system host-name").value                # "r1"
    tree.match("protocols bgp group <*> neighbor <*>") # nodes
    for line, node in tree.set_lines(): ...            # "set ...", node.line
"""

from msplus.junosconf.load import detect, load, parse, parse_set, parse_text, parse_xml
from msplus.junosconf.node import INACTIVE, PROTECT, REPLACE, Node
from msplus.junosconf.setform import SetResult
from msplus.junosconf.tree import ConfigTree

__all__ = [
    "INACTIVE",
    "PROTECT",
    "REPLACE",
    "ConfigTree",
    "Node",
    "SetResult",
    "detect",
    "load",
    "parse",
    "parse_set",
    "parse_text",
    "parse_xml",
]
