# receiver: nothing yet
