"""Training the models: datasets/ reads them, features/ turns them into model inputs, fitting/
trains and measures any model, recipe/ is how the shipped models were made, and train_job is
``emotion-ros train``'s one model on one dataset, through the recipe's functions."""
