"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test --venv downloads get-pip from a host this network cannot reach; its error message
says the script may be saved to ~/.ansible/test/cache/get_pip_<version>.py instead. This stand-in
bootstraps pip from the interpreter's bundled wheel (ensurepip) and then runs
`pip install` with the arguments ansible-test passes, from the package index that is reachable.
"""

import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
# ensurepip in a child process: in-process it points PIP_CONFIG_FILE at os.devnull for the rest
# of the process, which would drop the machine's pip configuration (index, certificates).
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
