{
 "StartAt": "F",
 "States": {
  "F": {
   "Type": "Fail",
   "Error": "E",
   "ErrorPath": "$.e"
  }
 }
}