"""Video-frame analysis on cpu_queue: faces, gaze, head pose, blinks and (when the organisation
allows it) facial-expression observations, summarised per turn with integrity flags for review."""
