"""ROS 2 glue shared by the nodes: QoS from parameters, /diagnostics, stamps, lifecycle start-up."""
