from learnhub.recognition import bp  # noqa: F401
