"""The words people say: utterances cut by voice activity, offline recognisers, text scoring.

No ROS here: the speech node and the offline evaluation both drive these classes.
"""
