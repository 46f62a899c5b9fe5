"""module6's mutants: a cleanup that deletes the endpoints and keeps everything else.

Graded after module1's reference and a module2 that leaves its endpoint, in the same account, so
that there is something to clean up.
"""
from . import Mutant


def _mutant(name, notebook, fails, **more):
    return Mutant(name, frozenset(fails), notebook=notebook, **more)


MUTANTS = [_mutant("keeps-all-but-endpoints", (
    ('    if mine(config["EndpointConfigName"]):', "    if False:"),
    ('    if mine(model["ModelName"]):', "    if False:"),
    ("    if not mine(name):\n        continue", "    if True:\n        continue"),
    ("    if b.name == bucket or mine(b.name):\n        b.object_versions", "    if False:\n        b.object_versions"),
    ('        if mine(stream["logStreamName"]) or mine(group_name.rsplit("/", 1)[-1]):', "        if False:"),
), frozenset({"test_no_endpoint_config_or_model_left", "test_notebook_instance_deleted",
              "test_bucket_emptied_and_deleted", "test_logs_deleted"}),
    before=("module1", "module2:leave-endpoint"))]
