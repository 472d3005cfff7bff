# steer: nothing yet
