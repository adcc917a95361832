"""Readers for the datasets emotion work uses, each mapped onto the six classes.

Every reader returns ``Sample``s with a ``group`` (subject, speaker or video) so that splits can
keep a person or a video out of the training set entirely.
"""
