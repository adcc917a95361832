"""Scoring emotion outputs against ground truth: metrics shared by training and evaluation."""
