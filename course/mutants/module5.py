"""module5's mutants: the scripts and the notebook with work undone.

The mutations of one mutant break independent checks (one mutation per check), so that few
notebooks are graded; `fails` is exactly what must fail.
"""
from ..regions import xgboost_image
from . import Mutant

SDK_TRAINING = '''training_job_name = f"videogames-xgboost-{learner}-from-python"
channels = [{"ChannelName": name, "ContentType": "libsvm",
             "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3DataDistributionType": "FullyReplicated",
                                             "S3Uri": f"s3://{bucket}/{data_prefix}/{name}"}}}
            for name in ("train", "validation")]
sm.create_training_job(
    TrainingJobName=training_job_name, RoleArn=role,
    AlgorithmSpecification={"TrainingImage": "%s", "TrainingInputMode": "File"},
    ResourceConfig={"InstanceCount": 1, "InstanceType": "ml.c4.2xlarge", "VolumeSizeInGB": 10},
    InputDataConfig=channels, OutputDataConfig={"S3OutputPath": f"s3://{bucket}/{prefix}/output"},
    HyperParameters={"max_depth": "3", "eta": "0.1", "eval_metric": "auc", "scale_pos_weight": "2.0",
                     "subsample": "0.5", "objective": "binary:logistic", "num_round": "100"},
    StoppingCondition={"MaxRuntimeInSeconds": 1800})
sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=training_job_name)
''' % xgboost_image("us-east-1", "1")  # noqa: UP031 (a notebook cell with braces of its own)

SDK_DEPLOY = '''described = sm.describe_training_job(TrainingJobName=training_job_name)
sm.create_model(ModelName=endpoint_name, ExecutionRoleArn=role,
                PrimaryContainer={"Image": described["AlgorithmSpecification"]["TrainingImage"],
                                  "ModelDataUrl": described["ModelArtifacts"]["S3ModelArtifacts"]})
sm.create_endpoint_config(EndpointConfigName=endpoint_name, ProductionVariants=[{
    "VariantName": "AllTraffic", "ModelName": endpoint_name, "InitialInstanceCount": 1,
    "InstanceType": "ml.m4.xlarge", "InitialVariantWeight": 1.0}])
sm.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=endpoint_name)
sm.get_waiter("endpoint_in_service").wait(EndpointName=endpoint_name)
outputs = {"endpoint_name": endpoint_name}
'''

MUTANTS = [
    # The job, the model, its configuration and the endpoint made from Python: the same resources.
    Mutant("python-not-cli",
           frozenset({"test_training_job_created_by_the_aws_cli", "test_deployed_with_the_aws_cli"}),
           notebook=(('outputs = run_script("videogames.sh")\ntraining_job_name = outputs["training_job_name"]\n',
                      SDK_TRAINING),
                     ('outputs = run_script("deploy.sh", training_job_name)\n', SDK_DEPLOY))),
    # The learner works in eu-west-1 but pasted the us-east-1 image of the example.
    Mutant("us-east-1-image-in-eu-west-1",
           frozenset({"test_training_image_is_builtin_xgboost_of_your_region"}),
           scripts={"videogames.sh": ((xgboost_image("eu-west-1", "1"), xgboost_image("us-east-1", "1")),)},
           region="eu-west-1"),
    Mutant("settings-and-reporting",
           frozenset({"test_training_job_has_module2_hyperparameters_and_resources",
                      "test_training_channels_are_module2_data",
                      "test_test_set_predicted_by_your_endpoint_in_batches_of_100",
                      "test_reported_error_rate_is_what_the_endpoint_predicted",
                      "test_no_endpoint_config_or_model_left"}),
           scripts={"videogames.sh": (
               ("--hyper-parameters max_depth=3,", "--hyper-parameters max_depth=4,"),  # hyperparameters
               ("$(channel validation)]", "$(channel validation | sed 's#/validation\"#/train\"#')]"),  # data
           )},
           notebook=(("def predict_in_batches(lines, batch_size=100):",  # one call for the whole test set
                      "def predict_in_batches(lines, batch_size=2000):"),
                     ("error_rate = float((predictions != labels).mean())", "error_rate = 0.01"),
                     ("sm.delete_endpoint_config(EndpointConfigName=endpoint_name)\n"
                      "sm.delete_model(ModelName=endpoint_name)\n", ""))),
    Mutant("weak-model-big-endpoint-left-running",
           frozenset({"test_training_completed_with_validation_auc_at_least_0_80",
                      "test_training_job_has_module2_hyperparameters_and_resources",
                      "test_endpoint_serves_the_model_trained_by_this_job",
                      "test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"}),
           scripts={"videogames.sh": (("max_depth=3,eta=0.1,", "max_depth=1,eta=0.01,"),
                                      ("num_round=100", "num_round=2")),
                    "deploy.sh": (("InstanceType=ml.m4.xlarge", "InstanceType=ml.m4.2xlarge"),)},
           notebook=(("sm.delete_endpoint(EndpointName=endpoint_name)\n"
                      "sm.delete_endpoint_config(EndpointConfigName=endpoint_name)\n"
                      "sm.delete_model(ModelName=endpoint_name)\n", "pass\n"),)),
]
