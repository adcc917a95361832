"""The default recipe: how the shipped models in models/ were trained from public data, one module
per model family, and how they are scored through the files that ship."""
