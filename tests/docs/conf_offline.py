# Appended by `make docs`: offline, intersphinx reads the small inventory written by tests/docs/offline_inventory.py
# (labels of the Ansible documentation the generated pages link to) and downloads nothing, so no fetch failure can
# fail the build. `make docs DOCS_ONLINE=1` keeps the mapping above (it downloads the inventories).
import os

if os.environ.get("DOCS_ONLINE") != "1":
    intersphinx_mapping = {
        "ansible_devel": (
            "https://docs.ansible.com/projects/ansible/devel/",
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "ansible_devel.inv"),
        ),
    }
