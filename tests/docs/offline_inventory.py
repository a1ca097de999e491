"""Write the intersphinx inventory `make docs` uses offline (no download): the few labels of the Ansible
documentation that the generated pages refer to, pointing at docs.ansible.com.

Usage: python offline_inventory.py OUTPUT.inv
A label missing here shows as "undefined label" in the build: add it to LABELS.
"""

from __future__ import annotations

import sys
import zlib

# label -> (page relative to the documentation root, title)
LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    "ansible_configuration_settings": (
        "reference_appendices/config.html#ansible-configuration-settings",
        "Ansible Configuration Settings",
    ),
    "module_defaults": ("playbook_guide/playbooks_module_defaults.html#module-defaults", "Module defaults"),
    "check_mode_dry": ("playbook_guide/playbooks_checkmode.html#check-mode-dry", "Validating tasks: check mode and diff mode"),
    "action_plugins": ("plugins/action.html#action-plugins", "Action plugins"),
    "collections_installing": ("collections_guide/collections_installing.html#collections-installing", "Installing collections"),
    "ansible_collections.ansible.builtin.tempfile_module": (
        "collections/ansible/builtin/tempfile_module.html#ansible-collections-ansible-builtin-tempfile-module",
        "ansible.builtin.tempfile module - Creates temporary files and directories",
    ),
}


def main(path: str) -> None:
    header = (
        "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = "".join("%s std:label -1 %s %s\n" % (name, uri, title) for name, (uri, title) in sorted(LABELS.items()))
    with open(path, "wb") as out:
        out.write(header.encode())
        out.write(zlib.compress(lines.encode()))


if __name__ == "__main__":
    main(sys.argv[1])
