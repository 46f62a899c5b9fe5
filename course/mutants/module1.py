"""module1's mutants: a role SageMaker cannot use, no bucket, the wrong notebook instance."""
from . import Mutant


def _mutant(name, notebook, fails, **more):
    return Mutant(name, frozenset(fails), notebook=notebook, **more)


MUTANTS = [
    _mutant("role-sagemaker-cannot-use", (
        ('"Principal": {"Service": "sagemaker.amazonaws.com"}', '"Principal": {"Service": "ec2.amazonaws.com"}'),
    ), frozenset({"test_execution_role_trusts_sagemaker_and_has_full_access"})),
    _mutant("role-without-policy", (
        ("iam.attach_role_policy(RoleName=role_name, PolicyArn=SAGEMAKER_FULL_ACCESS)\n", ""),
    ), frozenset({"test_execution_role_trusts_sagemaker_and_has_full_access"})),
    _mutant("no-bucket", (
        ("    s3.create_bucket(Bucket=bucket, **location)", "    pass"),
    ), frozenset({"test_notebook_ran_without_error", "test_bucket_exists_in_your_region",
                  "test_notebook_instance_is_in_service", "test_notebook_instance_type_role_and_repository"})),
    _mutant("small-stopped-instance-without-repository", (
        ('InstanceType="ml.m5.xlarge"', 'InstanceType="ml.t3.medium"'),
        ("        DefaultCodeRepository=code_repository))", "    ))"),
        ('sm.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName=instance_name)\n',
         'sm.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName=instance_name)\n'
         "sm.stop_notebook_instance(NotebookInstanceName=instance_name)\n"),
    ), frozenset({"test_notebook_instance_is_in_service", "test_notebook_instance_type_role_and_repository"})),
]
