"""Dataset files -> model inputs, with the nodes' own code: face meshes and aligned crops, voice
clips and windows, keypoint rows; extracted once and cached."""
