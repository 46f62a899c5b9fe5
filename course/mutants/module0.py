"""module0's mutants: preliminaries that make up their answers or register someone else."""
from . import Mutant


def _mutant(name, notebook, fails, **more):
    return Mutant(name, frozenset(fails), notebook=notebook, **more)


MUTANTS = [
    _mutant("made-up-answers", (
        ("record(versions=versions)", 'record(versions={**versions, "sagemaker": "3.1.0"})'),
        ("identity = sts.get_caller_identity()",
         'identity = {**sts.get_caller_identity(), "Account": "123456789012"}'),
        ('"eu-west-1", "ap-southeast-2")', '"eu-west-1")'),
    ), frozenset({"test_environment_meets_the_course_requirements", "test_identity_is_your_own",
                  "test_region_is_one_the_course_supports", "test_learner_registered_in_the_progress_store"})),
    _mutant("registers-someone-else", (
        ("register(learner, full_name,", 'register("someone-else", full_name,'),
    ), frozenset({"test_learner_registered_in_the_progress_store"})),
]
