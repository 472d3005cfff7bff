# web: nothing yet
