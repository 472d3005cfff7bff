# track: nothing yet
