{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Parameters": {
    "x": {
     "y.$": "States.Format('a'"
    }
   },
   "End": true
  }
 }
}