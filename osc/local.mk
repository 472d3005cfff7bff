# osc: nothing yet
