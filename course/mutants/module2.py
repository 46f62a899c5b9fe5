"""module2's mutants: the Videogame Sales reference solution with one thing broken each."""
from . import Mutant


def _mutant(name, notebook, fails):
    return Mutant(name, frozenset(fails), notebook=notebook)


MUTANTS = [
    _mutant("wrong-objective", (('objective="binary:logistic"', 'objective="reg:squarederror"'),),
           frozenset({"test_training_job_uses_builtin_xgboost_for_binary_classification"})),
    _mutant("leave-endpoint", (("xgb_predictor.delete_model()\n", ""),
                              ("xgb_predictor.delete_endpoint(delete_endpoint_config=True)", "pass")),
           frozenset({"test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"})),
    _mutant("keep-model-and-config", (("xgb_predictor.delete_model()\n", ""),
                                     ("delete_endpoint_config=True", "delete_endpoint_config=False")),
           frozenset({"test_no_endpoint_config_or_model_left"})),
    _mutant("split-50-25-25", (("int(0.7 * n)", "int(0.5 * n)"), ("int(0.9 * n)", "int(0.75 * n)")),
           frozenset({"test_data_prepared_and_split_70_20_10"})),
    _mutant("made-up-error-rate", (("error_rate = float((predictions != labels).mean())", "error_rate = 0.01"),),
           frozenset({"test_reported_error_rate_is_what_the_endpoint_predicted"})),
    _mutant("other-hyperparameters",
            (("xgb.set_hyperparameters(max_depth=3,", "xgb.set_hyperparameters(max_depth=6,"),),
           frozenset({"test_training_job_hyperparameters_and_instance"})),
    _mutant("csv-content-type", (('content_type="libsvm"', 'content_type="text/csv"'),),
           frozenset({"test_notebook_ran_without_error", "test_training_channels_come_from_your_bucket",
                      "test_training_completed_with_validation_auc_at_least_0_80",
                      "test_model_artefact_exists", "test_endpoint_served_the_model_trained_by_this_job",
                      "test_reported_error_rate_is_what_the_endpoint_predicted",
                      "test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"})),
    _mutant("weak-model", (("scale_pos_weight=2.0, num_round=100)", "scale_pos_weight=2.0, num_round=100)\n"
                           "xgb.set_hyperparameters(max_depth=1, eta=0.01, num_round=2, objective='binary:logistic', "
                           "eval_metric='auc', subsample=0.5, scale_pos_weight=2.0)"),),
           frozenset({"test_training_completed_with_validation_auc_at_least_0_80",
                      "test_training_job_hyperparameters_and_instance"})),
    _mutant("artefact-deleted", (("xgb_predictor.delete_endpoint(delete_endpoint_config=True)",
                                 "xgb_predictor.delete_endpoint(delete_endpoint_config=True)\n"
                                 "s3.delete_object(Bucket=bucket, Key=xgb.model_data.split(bucket + '/', 1)[1])"),),
           frozenset({"test_model_artefact_exists"})),
    _mutant("bigger-endpoint", (('xgb.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge"',
                                'xgb.deploy(initial_instance_count=1, instance_type="ml.m5.2xlarge"'),),
           frozenset({"test_endpoint_served_the_model_trained_by_this_job"})),
]
