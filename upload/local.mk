# upload: nothing yet
