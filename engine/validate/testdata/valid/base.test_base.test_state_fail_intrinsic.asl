{
 "Comment": "RAISE_FAILURE_PATH_INTRINSIC",
 "StartAt": "FailState",
 "States": {
  "FailState": {
   "Type": "Fail",
   "ErrorPath": "States.Format('{}', $.Error)",
   "CausePath": "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)"
  }
 }
}