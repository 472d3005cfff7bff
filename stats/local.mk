# stats: nothing yet
